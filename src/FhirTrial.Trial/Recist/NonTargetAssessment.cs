namespace FhirTrial.Trial.Recist;

/// <summary>How a non-target lesion looked on a scan.</summary>
public enum NonTargetStatus
{
    Present,
    Absent,
    UnequivocalProgression,
}

/// <summary>One non-target lesion's status on one scan; a null status means not assessed.</summary>
public sealed record NonTargetAssessment(string LesionId, DateOnly Date, NonTargetStatus? Status, string? EvidenceId = null, string? GroupKey = null);
