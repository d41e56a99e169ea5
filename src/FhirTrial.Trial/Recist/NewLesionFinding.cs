namespace FhirTrial.Trial.Recist;

/// <summary>How sure the reader is that a new lesion is malignant; only an unequivocal one is progression.</summary>
public enum NewLesionCertainty
{
    Unequivocal,
    Equivocal,
}

/// <summary>A new lesion seen on a scan after baseline.</summary>
public sealed record NewLesionFinding(string LesionId, DateOnly Date, NewLesionCertainty Certainty, string? EvidenceId = null, string? GroupKey = null);
