namespace FhirTrial.Trial.Recist;

/// <summary>A target lesion's size at one time point (null = not assessed), with whether it is a node.</summary>
public sealed record TargetLesionValue(string LesionId, bool IsLymphNode, decimal? Millimetres);
