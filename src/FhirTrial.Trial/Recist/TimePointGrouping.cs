namespace FhirTrial.Trial.Recist;

/// <summary>Groups a subject's RECIST observations into assessment time points (CONTRACT section 3).</summary>
public static class TimePointGrouping
{
    /// <summary>The time points in date order (ties by key, so the order is deterministic).</summary>
    public static IReadOnlyList<AssessmentTimePoint> Group(RecistInput input)
    {
        var measurements = input.Measurements.ToLookup(m => KeyOf(m.GroupKey, m.Date));
        var nonTargets = input.NonTargetAssessments.ToLookup(a => KeyOf(a.GroupKey, a.Date));
        var newLesions = input.NewLesions.ToLookup(n => KeyOf(n.GroupKey, n.Date));

        var keys = measurements.Select(g => g.Key)
            .Concat(nonTargets.Select(g => g.Key))
            .Concat(newLesions.Select(g => g.Key))
            .Distinct(StringComparer.Ordinal);

        return keys
            .Select(key =>
            {
                var m = measurements[key].ToList();
                var nt = nonTargets[key].ToList();
                var nl = newLesions[key].ToList();
                var date = m.Select(x => x.Date).Concat(nt.Select(x => x.Date)).Concat(nl.Select(x => x.Date)).Min();
                return new AssessmentTimePoint(key, date, m, nt, nl);
            })
            .OrderBy(tp => tp.Date)
            .ThenBy(tp => tp.Key, StringComparer.Ordinal)
            .ToList();
    }

    // Prefixes keep an encounter id from colliding with a date written as text.
    private static string KeyOf(string? groupKey, DateOnly date) =>
        string.IsNullOrEmpty(groupKey) ? "date:" + date.ToString("yyyy-MM-dd") : "group:" + groupKey;
}
