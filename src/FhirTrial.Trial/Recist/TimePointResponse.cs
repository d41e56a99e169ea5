namespace FhirTrial.Trial.Recist;

/// <summary>
/// The responses at one assessment after baseline. Changes are percentages rounded to one decimal; TargetSum and the
/// changes are null when targets are missing (unless the measured ones already prove PD) or there are no targets.
/// NewLesion is true for an unequivocal new lesion only.
/// </summary>
public sealed record TimePointResponse(
    DateOnly Date,
    string Key,
    decimal? TargetSum,
    decimal? ChangeFromBaseline,
    decimal? ChangeFromNadir,
    Response TargetResponse,
    Response NonTargetResponse,
    Response OverallResponse,
    bool NewLesion,
    IReadOnlyList<string> EvidenceIds,
    IReadOnlyList<string> Reasons);
