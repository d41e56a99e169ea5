namespace FhirTrial.Trial.Recist;

/// <summary>
/// One target lesion's size on one scan: longest diameter, or short axis for a node. 0 = disappeared,
/// 5 = too small to measure, null = not assessed. GroupKey (the encounter) groups it into a time point; null = by date.
/// </summary>
public sealed record TargetMeasurement(string LesionId, DateOnly Date, decimal? Millimetres, string? EvidenceId = null, string? GroupKey = null);
