using System.Globalization;

namespace FhirTrial.Trial.Recist;

/// <summary>
/// Target lesions that split or coalesce on treatment (RECIST 1.1, Eisenhauer et al. 2009, "Lesions that split or
/// coalesce on treatment"): "when non-nodal lesions fragment, the longest diameters of the fragmented portions should be
/// added together to calculate the target lesion sum"; when lesions have truly coalesced, the longest diameter of the
/// coalesced lesion is measured, once. How they are recorded (ADR 0008): a fragment is a lesion of its own whose
/// <see cref="Lesion.SplitFrom"/> names the target it split from; a lesion that merged names, in
/// <see cref="Lesion.CoalescedInto"/>, the lesion measured for both, and is recorded 0 mm or no longer measured.
/// </summary>
public static class SplitAndCoalescedLesions
{
    /// <summary>
    /// Each baseline target's value at the time point, fragments added and merged lesions counted once, with a reason for
    /// each lesion that was combined. A fragment seen before and missing now, or a parent without its own size, is not
    /// assessed: the target is NE rather than a smaller sum.
    /// </summary>
    public static (IReadOnlyList<TargetLesionValue> Values, IReadOnlyList<string> Reasons) ValuesAt(
        AssessmentTimePoint timePoint, IReadOnlyList<TargetLesionValue> baselineTargets, IReadOnlyList<Lesion> lesions,
        IReadOnlyList<AssessmentTimePoint> timePoints)
    {
        var byId = lesions.ToDictionary(l => l.Id, StringComparer.Ordinal);
        var fragments = lesions
            .Where(l => l.SplitFrom is not null && RootOf(l.Id, byId) is { } root && root != l.Id)
            .GroupBy(l => RootOf(l.Id, byId)!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(l => l.Id).Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);

        var reasons = new List<string>();
        var values = new List<TargetLesionValue>();
        foreach (var target in baselineTargets)
        {
            var own = timePoint.MillimetresOf(target.LesionId);
            var value = target with { Millimetres = own };

            // Fragments that exist by now: first recorded on or before this time point.
            var parts = fragments.GetValueOrDefault(target.LesionId, [])
                .Where(f => timePoints.Any(tp => tp.Date <= timePoint.Date && tp.Measurements.Any(m => m.LesionId == f)))
                .Select(f => (Id: f, Millimetres: timePoint.MillimetresOf(f)))
                .ToList();
            if (parts.Count > 0)
            {
                var missing = parts.Where(p => p.Millimetres is null).Select(p => p.Id).ToList();
                if (own is null || missing.Count > 0)
                {
                    value = value with { Millimetres = null };
                    reasons.Add($"{target.LesionId} split: {string.Join(", ", own is null ? [target.LesionId, .. missing] : missing)} not assessed");
                }
                else
                {
                    var sizes = parts.Select(p => p.Millimetres!.Value).Prepend(own.Value).ToList();
                    value = value with { Millimetres = sizes.Sum(), LargestPartMillimetres = target.IsLymphNode ? sizes.Max() : null };
                    reasons.Add($"{target.LesionId} split: {Mm(own.Value)} + {string.Join(" + ", parts.Select(p => $"{p.Id} {Mm(p.Millimetres!.Value)}"))}"
                                + $" = {Mm(sizes.Sum())}{(target.IsLymphNode ? " (short axes; each part a node of its own)" : "")}");
                }
            }
            else if (own is null && byId.GetValueOrDefault(target.LesionId)?.CoalescedInto is { } into
                     && timePoint.MillimetresOf(into) is not null && NoLaterSizeOfItsOwn(target.LesionId, timePoint, timePoints))
            {
                value = value with { Millimetres = 0m };
                reasons.Add($"{target.LesionId} coalesced into {into}: measured within it, counted 0 mm");
            }
            else if (own == 0m && byId.GetValueOrDefault(target.LesionId)?.CoalescedInto is { } merged)
            {
                reasons.Add($"{target.LesionId} coalesced into {merged}: recorded 0 mm, measured within it");
            }

            values.Add(value);
        }

        return (values, reasons);
    }

    /// <summary>
    /// A merged lesion no longer measured counts 0 only after its last size of its own (a recorded 0 is none): a lesion
    /// skipped on a scan and measured again later had not coalesced yet, and stays not assessed there.
    /// </summary>
    private static bool NoLaterSizeOfItsOwn(string lesionId, AssessmentTimePoint timePoint, IReadOnlyList<AssessmentTimePoint> timePoints) =>
        !timePoints.Any(tp => tp.Date > timePoint.Date && tp.MillimetresOf(lesionId) is > 0m);

    /// <summary>The target a fragment belongs to, following fragments of fragments; null for a cycle.</summary>
    private static string? RootOf(string id, IReadOnlyDictionary<string, Lesion> byId)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var current = id;
        while (byId.GetValueOrDefault(current)?.SplitFrom is { } parent)
        {
            if (!seen.Add(current)) return null;
            current = parent;
        }

        return current;
    }

    private static string Mm(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture) + " mm";
}
