namespace FhirTrial.Trial.Recist;

/// <summary>
/// Everything RECIST needs about one subject, as it stood at the data cut-off (applied by whoever read the records).
/// </summary>
public sealed record RecistInput(
    IReadOnlyList<Lesion> Lesions,
    IReadOnlyList<TargetMeasurement> Measurements,
    IReadOnlyList<NonTargetAssessment> NonTargetAssessments,
    IReadOnlyList<NewLesionFinding> NewLesions,
    DateOnly FirstDose,
    DateOnly? DeathDate = null);
