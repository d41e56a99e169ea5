using FhirTrial.Trial.Settings;

namespace FhirTrial.Trial.Recist;

/// <summary>The baseline assessment and the target lesions it measured; the reference for every later response.</summary>
public sealed record Baseline(AssessmentTimePoint TimePoint, IReadOnlyList<TargetLesionValue> Targets, IReadOnlyList<string> NonTargetLesionIds)
{
    public DateOnly Date => TimePoint.Date;

    /// <summary>Sum of diameters of the baseline targets; null when there are none (target response NA).</summary>
    public decimal? Sum => Targets.Count == 0 ? null : Targets.Sum(t => t.Millimetres ?? 0m);

    /// <summary>
    /// Baseline per lesion (RECIST 1.1 section 3.2: baseline evaluations as close as possible to the start of treatment
    /// and within 4 weeks of it; issue 15): each lesion's baseline is its last assessment on or before firstDose and at
    /// most <see cref="StudySettings.BaselineWindowDays"/> before it, so a CT on day -10 and a bone scan on day -2 make one
    /// baseline. Targets are the target lesions measured there and the sum is theirs. The baseline is dated by its
    /// latest assessment. Returns null with the reason when no assessment lies in the window.
    /// </summary>
    public static (Baseline? Baseline, IReadOnlyList<string> Reasons) Select(
        IReadOnlyList<AssessmentTimePoint> timePoints, IReadOnlyList<Lesion> lesions, DateOnly firstDose, StudySettings settings)
    {
        var earliest = firstDose.AddDays(-settings.BaselineWindowDays);
        var before = timePoints.Where(tp => tp.Date <= firstDose).ToList();
        if (before.Count == 0)
            return (null, [$"no assessment on or before first dose {firstDose:yyyy-MM-dd}"]);
        var window = before.Where(tp => tp.Date >= earliest).ToList();
        if (window.Count == 0)
            return (null, [$"last assessment before first dose ({before[^1].Date:yyyy-MM-dd}) is more than {settings.BaselineWindowDays} days before it"]);

        // Each lesion's last assessment in the window, latest time point first.
        var latestFirst = Enumerable.Reverse(window).ToList();
        var measurements = new List<TargetMeasurement>();
        var nonTargetAssessments = new List<NonTargetAssessment>();
        foreach (var lesion in lesions)
        {
            if (latestFirst.Select(tp => tp.Measurements.Where(m => m.LesionId == lesion.Id && m.Millimetres is not null).ToList())
                    .FirstOrDefault(m => m.Count > 0) is { } sized)
                measurements.AddRange(sized);
            if (latestFirst.Select(tp => tp.NonTargetAssessments.Where(a => a.LesionId == lesion.Id && a.Status is not null).ToList())
                    .FirstOrDefault(a => a.Count > 0) is { } assessed)
                nonTargetAssessments.AddRange(assessed);
        }

        var used = measurements.Select(m => m.Date).Concat(nonTargetAssessments.Select(a => a.Date)).ToList();
        var date = used.Count > 0 ? used.Max() : window[^1].Date;
        var merged = new AssessmentTimePoint("baseline", date, measurements, nonTargetAssessments, []);

        var dates = used.Distinct().Order().ToList();
        var reasons = new List<string>
        {
            dates.Count > 1
                ? $"baseline per lesion from {string.Join(", ", dates.Select(d => d.ToString("yyyy-MM-dd")))}, latest {firstDose.DayNumber - date.DayNumber} days before first dose"
                : $"baseline {date:yyyy-MM-dd}, {firstDose.DayNumber - date.DayNumber} days before first dose",
        };
        var targets = new List<TargetLesionValue>();
        // A fragment appears on treatment and is added to the target it split from (SplitAndCoalescedLesions).
        foreach (var lesion in lesions.Where(l => l.Role == LesionRole.Target && l.SplitFrom is null))
        {
            // A target without a baseline size has no reference to compare with, so it cannot join the sum.
            if (merged.MillimetresOf(lesion.Id) is { } mm)
                targets.Add(new TargetLesionValue(lesion.Id, lesion.IsLymphNode, mm));
            else
                reasons.Add($"target {lesion.Id} not measured at baseline: left out of the sum");
        }

        if (targets.Count == 0)
            reasons.Add("no target lesion measured at baseline: target response NA");

        var nonTargets = lesions.Where(l => l.Role == LesionRole.NonTarget).Select(l => l.Id).ToList();
        return (new Baseline(merged, targets, nonTargets), reasons);
    }
}
