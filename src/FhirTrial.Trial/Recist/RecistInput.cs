namespace FhirTrial.Trial.Recist;

/// <summary>
/// Everything RECIST needs about one subject. Observations dated after <paramref name="EvaluationDate"/> (when given)
/// are ignored, so a result can be reproduced as of a past day.
/// </summary>
public sealed record RecistInput(
    IReadOnlyList<Lesion> Lesions,
    IReadOnlyList<TargetMeasurement> Measurements,
    IReadOnlyList<NonTargetAssessment> NonTargetAssessments,
    IReadOnlyList<NewLesionFinding> NewLesions,
    DateOnly FirstDose,
    DateOnly? DeathDate = null,
    DateOnly? EvaluationDate = null);
