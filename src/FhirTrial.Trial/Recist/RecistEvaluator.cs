using FhirTrial.Trial.Settings;

namespace FhirTrial.Trial.Recist;

/// <summary>Evaluates one subject under RECIST 1.1: time points, their responses and the confirmed best response.</summary>
public static class RecistEvaluator
{
    public static RecistResult Evaluate(RecistInput input, StudySettings settings)
    {
        var timePoints = TimePointGrouping.Group(input);
        var afterNewTherapy = input.NewTherapyDate is { } therapy ? timePoints.Where(tp => tp.Date >= therapy).ToList() : [];
        if (afterNewTherapy.Count > 0)
            timePoints = timePoints.Where(tp => !afterNewTherapy.Contains(tp)).ToList();
        var (baseline, reasons) = Baseline.Select(timePoints, input.Lesions, input.FirstDose, settings);
        if (baseline is null)
        {
            // Without a reference no later scan can be judged, so the subject is not evaluable.
            return new RecistResult(null, null, [], [], Response.NE, null, null, [.. reasons, "best overall response NE: no baseline"]);
        }

        if (afterNewTherapy.Count > 0)
            reasons = [.. reasons, $"{afterNewTherapy.Count} assessment(s) from {input.NewTherapyDate:yyyy-MM-dd} not counted: new anticancer therapy"];

        var responses = new List<TimePointResponse>();
        var baselineSum = baseline.Sum;
        var nadir = baselineSum ?? 0m;
        var equivocalSeen = new Dictionary<string, DateOnly>();
        foreach (var timePoint in timePoints.Where(tp => tp.Date > input.FirstDose))
        {
            var (response, completeSum) = EvaluateTimePoint(timePoint, baseline, nadir, equivocalSeen);
            responses.Add(response);
            // Only a sum over every target may become the nadir; a partial one understates the disease.
            if (completeSum is { } sum)
                nadir = Math.Min(nadir, sum);
        }

        var best = BestOverallResponse.Evaluate(
            responses.Select(r => (r.Date, r.OverallResponse)).ToList(), input.FirstDose, baselineSum is not null, settings);
        if (input.DeathDate is { } death && responses.All(r => r.Date > death))
            reasons = [.. reasons, $"died {death:yyyy-MM-dd} before any assessment after baseline"];

        return new RecistResult(baseline.Date, baselineSum, baseline.TimePoint.EvidenceIds, responses,
            best.Response, best.FirstResponseDate, best.ProgressionDate, [.. reasons, .. best.Reasons]);
    }

    private static (TimePointResponse Response, decimal? CompleteSum) EvaluateTimePoint(
        AssessmentTimePoint timePoint, Baseline baseline, decimal nadir, Dictionary<string, DateOnly> equivocalSeen)
    {
        var values = baseline.Targets.Select(t => t with { Millimetres = timePoint.MillimetresOf(t.LesionId) }).ToList();
        var target = TargetResponse.Evaluate(values, baseline.Sum ?? 0m, nadir);
        var nonTarget = NonTargetResponse.Evaluate(baseline.NonTargetLesionIds.Select(id => (id, timePoint.StatusOf(id))).ToList());

        var reasons = new List<string>();
        NewLesionCertainty? newLesion = null;
        foreach (var finding in timePoint.NewLesions.OrderBy(n => n.Certainty))
        {
            newLesion ??= finding.Certainty;
            if (finding.Certainty == NewLesionCertainty.Equivocal)
            {
                equivocalSeen.TryAdd(finding.LesionId, timePoint.Date);
                reasons.Add($"equivocal new lesion {finding.LesionId}: not PD unless confirmed");
            }
            else if (equivocalSeen.TryGetValue(finding.LesionId, out var firstSeen))
            {
                // Kept as a note: the contract dates progression at the first PD time point, not the equivocal scan.
                reasons.Add($"new lesion {finding.LesionId} first seen equivocally on {firstSeen:yyyy-MM-dd}");
            }
        }

        var overall = OverallResponse.Evaluate(target.Response, nonTarget.Response, newLesion);
        var sum = target.Sum;
        var response = new TimePointResponse(
            timePoint.Date,
            timePoint.Key,
            sum,
            PercentChange(sum, baseline.Sum),
            PercentChange(sum, nadir),
            target.Response,
            nonTarget.Response,
            overall.Response,
            newLesion == NewLesionCertainty.Unequivocal,
            timePoint.EvidenceIds,
            [.. target.Reasons, .. nonTarget.Reasons, .. reasons, "overall " + overall.Response.ToCode() + ": " + overall.Reason]);
        return (response, target.IsCompleteSum ? sum : null);
    }

    private static decimal? PercentChange(decimal? value, decimal? reference) =>
        value is { } v && reference is { } r && r != 0m ? Math.Round((v - r) / r * 100m, 1, MidpointRounding.AwayFromZero) : null;
}
