namespace FhirTrial.Trial.Recist;

/// <summary>A target lesion's size at one time point (null = not assessed), with whether it is a node.</summary>
public sealed record TargetLesionValue(string LesionId, bool IsLymphNode, decimal? Millimetres)
{
    /// <summary>
    /// For a node that split, the largest short axis of its parts: each part is a node of its own, normal below 10 mm,
    /// while <see cref="Millimetres"/> adds them up (ADR 0008). Null when the lesion is whole.
    /// </summary>
    public decimal? LargestPartMillimetres { get; init; }
}
