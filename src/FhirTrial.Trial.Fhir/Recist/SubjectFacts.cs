using FhirTrial.Trial.Endpoints;
using FhirTrial.Trial.Recist;
using FhirTrial.Trial.Settings;

namespace FhirTrial.Trial.Fhir.Recist;

/// <summary>
/// One research subject's facts as the RECIST and efficacy rules need them, read from the store (ResearchSubject,
/// Patient, study-drug MedicationAdministrations, lesion BodyStructures, RECIST Observations, and every dated record
/// for the last day known alive).
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
    /// <summary>The RECIST input, or null when the subject never had study drug (no firstDose to count from).</summary>
    public RecistInput? ToRecistInput(DateOnly? evaluationDate = null) =>
        FirstDose is { } firstDose
            ? new RecistInput(Lesions, Measurements, NonTargetAssessments, NewLesions, firstDose, DeathDate, evaluationDate)
            : null;

    public RecistResult? EvaluateRecist(StudySettings settings, DateOnly? evaluationDate = null) =>
        ToRecistInput(evaluationDate) is { } input ? RecistEvaluator.Evaluate(input, settings) : null;

    /// <summary>
    /// The facts as they stood at the end of <paramref name="asOf"/>: later doses and deaths are not yet known, and a
    /// record after it shows the patient alive on it. Later scans are dropped by RECIST's own evaluation date.
    /// </summary>
    public SubjectFacts AsOf(DateOnly asOf) => this with
    {
        FirstDose = FirstDose > asOf ? null : FirstDose,
        DeathDate = DeathDate > asOf ? null : DeathDate,
        LastKnownAliveDate = LastKnownAliveDate > asOf ? asOf : LastKnownAliveDate,
    };

    /// <summary>The subject's outcome for the study endpoints (treated or not).</summary>
    public SubjectOutcome ToOutcome(RecistResult? recist) =>
        FirstDose is { } firstDose && recist is not null
            ? SubjectOutcome.Treatment(SubjectId, firstDose, recist, DeathDate, LastKnownAliveDate)
            : SubjectOutcome.NotTreated(SubjectId, DeathDate, LastKnownAliveDate);
}
