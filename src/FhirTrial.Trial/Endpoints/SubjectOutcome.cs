using FhirTrial.Trial.Recist;

namespace FhirTrial.Trial.Endpoints;

/// <summary>One subject's facts for the study-level endpoints, distilled from their RECIST result and vital status.</summary>
public sealed record SubjectOutcome(
    string SubjectId,
    DateOnly? FirstDose,
    bool Evaluable,
    Response BestOverallResponse,
    DateOnly? FirstResponseDate,
    DateOnly? ProgressionDate,
    DateOnly? DeathDate,
    DateOnly? LastKnownAliveDate,
    IReadOnlyList<DateOnly> EvaluableAssessmentDates)
{
    /// <summary>The subject left the study (off-study or withdrawn) by the cut-off; the date when known.</summary>
    public bool LeftStudy { get; init; }

    public DateOnly? LeftStudyDate { get; init; }

    /// <summary>Start of the first new anticancer therapy after first dose, by the cut-off.</summary>
    public DateOnly? NewTherapyDate { get; init; }

    /// <summary>Treated: has a first dose of study drug.</summary>
    public bool Treated => FirstDose is not null;

    /// <summary>A response-evaluable subject with a confirmed CR or PR.</summary>
    public bool IsConfirmedResponder => Evaluable && BestOverallResponse.IsObjectiveResponse() && FirstResponseDate is not null;

    public DateOnly? LastEvaluableAssessmentDate => EvaluableAssessmentDates.Count == 0 ? null : EvaluableAssessmentDates.Max();

    /// <summary>A treated subject: response-evaluable when at least one target lesion was measured at baseline.</summary>
    public static SubjectOutcome Treatment(string subjectId, DateOnly firstDose, RecistResult recist, DateOnly? deathDate, DateOnly? lastKnownAliveDate) =>
        new(subjectId, firstDose, recist.HasMeasurableBaseline, recist.BestOverallResponse, recist.FirstResponseDate,
            recist.ProgressionDate, deathDate, lastKnownAliveDate, recist.EvaluableAssessmentDates);

    /// <summary>A subject on study who never received study drug: outside every efficacy population.</summary>
    public static SubjectOutcome NotTreated(string subjectId, DateOnly? deathDate = null, DateOnly? lastKnownAliveDate = null) =>
        new(subjectId, null, false, Response.NE, null, null, deathDate, lastKnownAliveDate, []);
}
