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

        var confirmedLater = EquivocalLesionsConfirmedLater(timePoints, input.FirstDose);
        var (baseline, reasons) = Baseline.Select(timePoints, input.Lesions, input.FirstDose, settings);
        if (afterNewTherapy.Count > 0)
            reasons = [.. reasons, $"{afterNewTherapy.Count} assessment(s) from {input.NewTherapyDate:yyyy-MM-dd} not counted: new anticancer therapy"];
        if (baseline is null)
            return WithoutBaseline(timePoints, input.FirstDose, confirmedLater, reasons);

        var responses = new List<TimePointResponse>();
        var baselineSum = baseline.Sum;
        var nadir = baselineSum ?? 0m;
        foreach (var timePoint in timePoints.Where(tp => tp.Date > input.FirstDose))
        {
            var (response, completeSum) = EvaluateTimePoint(timePoint, baseline, nadir, confirmedLater, input.Lesions, timePoints);
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
            best.Response, best.FirstResponseDate, best.ProgressionDate, [.. reasons, .. best.Reasons])
        {
            SelectionWarnings = TargetSelection.Check(baseline, input.Lesions),
        };
    }

    /// <summary>
    /// An equivocal new lesion later shown to be unequivocal (the same lesion) is progression from the scan that first
    /// showed it (RECIST 1.1 section 4.3.2: "the progression date should be the date of the initial scan").
    /// Returns, per such lesion, the date it was confirmed.
    /// </summary>
    private static Dictionary<string, DateOnly> EquivocalLesionsConfirmedLater(IReadOnlyList<AssessmentTimePoint> timePoints, DateOnly firstDose)
    {
        var confirmed = new Dictionary<string, DateOnly>(StringComparer.Ordinal);
        foreach (var tp in timePoints.Where(tp => tp.Date > firstDose))
            foreach (var finding in tp.NewLesions.Where(n => n.Certainty == NewLesionCertainty.Unequivocal))
                confirmed.TryAdd(finding.LesionId, tp.Date);
        return confirmed;
    }

    /// <summary>The surest new-lesion finding at a time point, counting an equivocal lesion confirmed later as unequivocal.</summary>
    private static (NewLesionCertainty? Certainty, List<string> Reasons) NewLesionsAt(AssessmentTimePoint timePoint, Dictionary<string, DateOnly> confirmedLater)
    {
        var reasons = new List<string>();
        NewLesionCertainty? surest = null;
        foreach (var finding in timePoint.NewLesions.OrderBy(n => n.Certainty))
        {
            var certainty = finding.Certainty;
            if (certainty == NewLesionCertainty.Equivocal && confirmedLater.TryGetValue(finding.LesionId, out var confirmedOn) && confirmedOn > timePoint.Date)
            {
                certainty = NewLesionCertainty.Unequivocal;
                reasons.Add($"equivocal new lesion {finding.LesionId} confirmed unequivocal on {confirmedOn:yyyy-MM-dd}: PD from this scan (RECIST 1.1 4.3.2)");
            }
            else if (certainty == NewLesionCertainty.Equivocal)
            {
                reasons.Add($"equivocal new lesion {finding.LesionId}: not PD unless confirmed");
            }

            if (surest is null || certainty < surest) surest = certainty;
        }

        return (surest, reasons);
    }

    /// <summary>
    /// Without a valid baseline nothing can be measured against, but an unequivocal new lesion after first dose is still
    /// progression (RECIST 1.1 section 4.3.2): PD dated to that scan. The subject stays outside the response-evaluable
    /// population (no baseline sum); every other time point is NE.
    /// </summary>
    private static RecistResult WithoutBaseline(
        IReadOnlyList<AssessmentTimePoint> timePoints, DateOnly firstDose, Dictionary<string, DateOnly> confirmedLater, IReadOnlyList<string> reasons)
    {
        var responses = new List<TimePointResponse>();
        foreach (var timePoint in timePoints.Where(tp => tp.Date > firstDose))
        {
            var (newLesion, newReasons) = NewLesionsAt(timePoint, confirmedLater);
            var progression = newLesion == NewLesionCertainty.Unequivocal;
            var overall = progression ? Response.PD : Response.NE;
            responses.Add(new TimePointResponse(timePoint.Date, timePoint.Key, null, null, null, Response.NE, Response.NE, overall, progression,
                timePoint.EvidenceIds,
                ["no baseline: target and non-target NE", .. newReasons, progression ? "overall PD: unequivocal new lesion" : "overall NE: no baseline"]));
            if (progression) break;
        }

        var pd = responses.FirstOrDefault(r => r.OverallResponse == Response.PD);
        return pd is null
            ? new RecistResult(null, null, [], [], Response.NE, null, null, [.. reasons, "best overall response NE: no baseline"])
            : new RecistResult(null, null, [], responses, Response.PD, null, pd.Date,
                [.. reasons, $"best overall response PD: unequivocal new lesion on {pd.Date:yyyy-MM-dd} without a baseline"]);
    }

    private static (TimePointResponse Response, decimal? CompleteSum) EvaluateTimePoint(
        AssessmentTimePoint timePoint, Baseline baseline, decimal nadir, Dictionary<string, DateOnly> confirmedLater,
        IReadOnlyList<Lesion> lesions, IReadOnlyList<AssessmentTimePoint> timePoints)
    {
        var (values, combined) = SplitAndCoalescedLesions.ValuesAt(timePoint, baseline.Targets, lesions, timePoints);
        var target = TargetResponse.Evaluate(values, baseline.Sum ?? 0m, nadir);
        var nonTarget = NonTargetResponse.Evaluate(baseline.NonTargetLesionIds.Select(id => (id, timePoint.StatusOf(id))).ToList());
        var (newLesion, reasons) = NewLesionsAt(timePoint, confirmedLater);

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
            [.. combined, .. target.Reasons, .. nonTarget.Reasons, .. reasons, "overall " + overall.Response.ToCode() + ": " + overall.Reason]);
        return (response, target.IsCompleteSum ? sum : null);
    }

    private static decimal? PercentChange(decimal? value, decimal? reference) =>
        value is { } v && reference is { } r && r != 0m ? Math.Round((v - r) / r * 100m, 1, MidpointRounding.AwayFromZero) : null;
}
