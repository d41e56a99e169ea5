using FhirTrial.Trial.Endpoints;
using FhirTrial.Trial.Recist;
using FhirTrial.Trial.Settings;

namespace FhirTrial.Trial.Fhir.Recist;

/// <summary>
/// One research subject's facts as the RECIST and efficacy rules need them at the data cut-off, read from the store
/// (ResearchSubject, Patient, study-drug MedicationAdministrations, new anticancer therapy, lesion BodyStructures,
/// RECIST Observations, and every dated record for the last day known alive). Nothing dated after the cut-off is in them.
/// </summary>
public sealed record SubjectFacts(
    string SubjectId,
    string? PatientId,
    string? Status,
    DateOnly? EnrollmentDate,
    DateOnly? FirstDose,
    DateOnly? DeathDate,
    DateOnly? LastKnownAliveDate,
    IReadOnlyList<Lesion> Lesions,
    IReadOnlyList<TargetMeasurement> Measurements,
    IReadOnlyList<NonTargetAssessment> NonTargetAssessments,
    IReadOnlyList<NewLesionFinding> NewLesions)
{
    /// <summary>The subject left the study (off-study or withdrawn) by the cut-off; the date when recorded.</summary>
    public bool LeftStudy { get; init; }

    public DateOnly? LeftStudyDate { get; init; }

    /// <summary>Start of the first new anticancer therapy after first dose, on or before the cut-off.</summary>
    public DateOnly? NewTherapyDate { get; init; }

    /// <summary>The RECIST input, or null when the subject never had study drug (no firstDose to count from).</summary>
    public RecistInput? ToRecistInput() =>
        FirstDose is { } firstDose
            ? new RecistInput(Lesions, Measurements, NonTargetAssessments, NewLesions, firstDose, DeathDate) { NewTherapyDate = NewTherapyDate }
            : null;

    public RecistResult? EvaluateRecist(StudySettings settings) =>
        ToRecistInput() is { } input ? RecistEvaluator.Evaluate(input, settings) : null;

    /// <summary>The subject's outcome for the study endpoints (treated or not).</summary>
    public SubjectOutcome ToOutcome(RecistResult? recist) =>
        (FirstDose is { } firstDose && recist is not null
            ? SubjectOutcome.Treatment(SubjectId, firstDose, recist, DeathDate, LastKnownAliveDate)
            : SubjectOutcome.NotTreated(SubjectId, DeathDate, LastKnownAliveDate))
        with { LeftStudy = LeftStudy, LeftStudyDate = LeftStudyDate, NewTherapyDate = NewTherapyDate };
}
