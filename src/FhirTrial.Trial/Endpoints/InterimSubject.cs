using FhirTrial.Trial.Recist;

namespace FhirTrial.Trial.Endpoints;

/// <summary>Where a subject stands for the interim count.</summary>
public enum InterimResponseStatus
{
    Responder,
    NonResponder,
    /// <summary>No verdict yet: not counted as evaluated.</summary>
    Pending,
}

/// <summary>A response-evaluable subject, in enrollment order, as the Simon interim analysis sees them.</summary>
public sealed record InterimSubject(string SubjectId, InterimResponseStatus Status)
{
    /// <summary>
    /// A snapshot: a confirmed CR/PR is a responder; a subject with no verdict yet (best response NE without
    /// progression or death) is pending; anyone else is a non-responder as of now.
    /// </summary>
    public static InterimSubject From(SubjectOutcome outcome) => new(outcome.SubjectId, outcome switch
    {
        { IsConfirmedResponder: true } => InterimResponseStatus.Responder,
        { BestOverallResponse: Response.NE, ProgressionDate: null, DeathDate: null } => InterimResponseStatus.Pending,
        _ => InterimResponseStatus.NonResponder,
    });
}
