using FhirTrial.Trial.Settings;

namespace FhirTrial.Trial.Recist;

/// <summary>The baseline assessment and the target lesions it measured; the reference for every later response.</summary>
public sealed record Baseline(AssessmentTimePoint TimePoint, IReadOnlyList<TargetLesionValue> Targets, IReadOnlyList<string> NonTargetLesionIds)
{
    public DateOnly Date => TimePoint.Date;

    /// <summary>Sum of diameters of the baseline targets; null when there are none (target response NA).</summary>
    public decimal? Sum => Targets.Count == 0 ? null : Targets.Sum(t => t.Millimetres ?? 0m);

    /// <summary>
    /// The last time point on or before firstDose and at most <see cref="StudySettings.BaselineWindowDays"/> before it.
    /// Returns null with the reason when there is none.
    /// </summary>
    public static (Baseline? Baseline, IReadOnlyList<string> Reasons) Select(
        IReadOnlyList<AssessmentTimePoint> timePoints, IReadOnlyList<Lesion> lesions, DateOnly firstDose, StudySettings settings)
    {
        var earliest = firstDose.AddDays(-settings.BaselineWindowDays);
        var candidate = timePoints.LastOrDefault(tp => tp.Date <= firstDose);
        if (candidate is null)
            return (null, [$"no assessment on or before first dose {firstDose:yyyy-MM-dd}"]);
        if (candidate.Date < earliest)
            return (null, [$"last assessment before first dose ({candidate.Date:yyyy-MM-dd}) is more than {settings.BaselineWindowDays} days before it"]);

        var reasons = new List<string> { $"baseline {candidate.Date:yyyy-MM-dd}, {firstDose.DayNumber - candidate.Date.DayNumber} days before first dose" };
        var targets = new List<TargetLesionValue>();
        foreach (var lesion in lesions.Where(l => l.Role == LesionRole.Target))
        {
            // A target without a baseline size has no reference to compare with, so it cannot join the sum.
            if (candidate.MillimetresOf(lesion.Id) is { } mm)
                targets.Add(new TargetLesionValue(lesion.Id, lesion.IsLymphNode, mm));
            else
                reasons.Add($"target {lesion.Id} not measured at baseline: left out of the sum");
        }

        if (targets.Count == 0)
            reasons.Add("no target lesion measured at baseline: target response NA");

        var nonTargets = lesions.Where(l => l.Role == LesionRole.NonTarget).Select(l => l.Id).ToList();
        return (new Baseline(candidate, targets, nonTargets), reasons);
    }
}
