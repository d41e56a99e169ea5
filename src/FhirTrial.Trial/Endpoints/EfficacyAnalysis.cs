using FhirTrial.Trial.Recist;
using FhirTrial.Trial.Settings;

namespace FhirTrial.Trial.Endpoints;

/// <summary>Computes the efficacy endpoints over the study's subjects.</summary>
public static class EfficacyAnalysis
{
    private static readonly Response[] BestResponseCategories =
        [Response.CR, Response.PR, Response.SD, Response.NonCrNonPd, Response.PD, Response.NE];

    /// <summary>
    /// ORR, DCR and the best-response table use the response-evaluable population; PFS and OS the treated;
    /// DOR and TTR the confirmed responders.
    /// </summary>
    public static EfficacyResult Evaluate(IReadOnlyList<SubjectOutcome> subjects, StudySettings settings)
    {
        var treated = subjects.Where(s => s.Treated).ToList();
        var evaluable = treated.Where(s => s.Evaluable).ToList();
        var responders = evaluable.Count(s => s.IsConfirmedResponder);
        // NON-CR/NON-PD is the stable category of non-measurable disease, so it counts as disease control like SD.
        var controlled = evaluable.Count(s => s.BestOverallResponse.IsDiseaseControl());

        return new EfficacyResult(
            treated.Count,
            evaluable.Count,
            responders,
            BinomialProportion.ClopperPearson(responders, evaluable.Count),
            BinomialProportion.ClopperPearson(controlled, evaluable.Count),
            Curve(treated, s => TimeToEvent.ProgressionFreeSurvival(s, settings)),
            Curve(treated, TimeToEvent.OverallSurvival),
            Curve(evaluable, s => TimeToEvent.DurationOfResponse(s, settings)),
            Curve(evaluable, TimeToEvent.TimeToResponse),
            BestResponseCategories.Select(r => new BestResponseCount(r, evaluable.Count(s => s.BestOverallResponse == r))).ToList());
    }

    private static KaplanMeierEstimate Curve(IEnumerable<SubjectOutcome> subjects, Func<SubjectOutcome, SurvivalSample?> sample) =>
        KaplanMeier.Estimate(subjects.Select(sample).OfType<SurvivalSample>().ToList());
}
