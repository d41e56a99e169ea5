using System.Globalization;

namespace FhirTrial.Trial.Recist;

/// <summary>A baseline target selection that RECIST does not allow, with the measurements behind it.</summary>
public sealed record SelectionWarning(string Detail, IReadOnlyList<string> Evidence);

/// <summary>
/// RECIST 1.1 section 3.3 (target lesions) and 3.1 (measurability): at most 5 target lesions, at most 2 per organ (all
/// lymph nodes together count as one organ), each measurable at baseline: at least 10 mm longest diameter, or 15 mm
/// short axis for a node. A selection outside these is reported, not corrected: the sum stays the investigator's.
/// </summary>
public static class TargetSelection
{
    public const int MaxTargets = 5;
    public const int MaxPerOrgan = 2;
    public const decimal MinLesionMm = 10m;
    public const decimal MinNodeMm = 15m;
    private const string LymphNodes = "lymph nodes";

    public static IReadOnlyList<SelectionWarning> Check(Baseline baseline, IReadOnlyList<Lesion> lesions)
    {
        var byId = lesions.ToDictionary(l => l.Id, StringComparer.Ordinal);
        string Evidence(string lesionId) =>
            baseline.TimePoint.Measurements.LastOrDefault(m => m.LesionId == lesionId && m.Millimetres is not null)?.EvidenceId ?? lesionId;

        var warnings = new List<SelectionWarning>();
        var targets = baseline.Targets;
        if (targets.Count > MaxTargets)
            warnings.Add(new($"{targets.Count} target lesions at baseline: RECIST 1.1 allows at most {MaxTargets}",
                targets.Select(t => Evidence(t.LesionId)).ToList()));

        foreach (var organ in targets
                     .Select(t => (Target: t, Organ: t.IsLymphNode ? LymphNodes : byId.GetValueOrDefault(t.LesionId)?.Organ))
                     .Where(x => x.Organ is not null)
                     .GroupBy(x => x.Organ!, StringComparer.Ordinal)
                     .Where(g => g.Count() > MaxPerOrgan))
        {
            warnings.Add(new($"{organ.Count()} target lesions in {organ.Key}: RECIST 1.1 allows at most {MaxPerOrgan} per organ",
                organ.Select(x => Evidence(x.Target.LesionId)).ToList()));
        }

        foreach (var target in targets)
        {
            var minimum = target.IsLymphNode ? MinNodeMm : MinLesionMm;
            if (target.Millimetres is { } mm && mm < minimum)
                warnings.Add(new(
                    $"target {target.LesionId} is {Mm(mm)} at baseline: not measurable (needs {Mm(minimum)}{(target.IsLymphNode ? " short axis" : "")})",
                    [Evidence(target.LesionId)]));
        }

        return warnings;
    }

    private static string Mm(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture) + " mm";
}
