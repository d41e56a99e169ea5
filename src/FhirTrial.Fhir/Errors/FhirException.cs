using System.Net;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Errors;

/// <summary>The one error type of the server: an HTTP status with the OperationOutcome that explains it.</summary>
public class FhirException : Exception
{
    public FhirException(HttpStatusCode status, OperationOutcome outcome)
        : base(outcome.Issue.FirstOrDefault()?.Diagnostics ?? status.ToString())
    {
        Status = status;
        Outcome = outcome;
    }

    public HttpStatusCode Status { get; }
    public OperationOutcome Outcome { get; }

    public static FhirException Of(HttpStatusCode status, OperationOutcome.IssueType code, string message, string? expression = null)
        => new(status, Outcomes.Single(OperationOutcome.IssueSeverity.Error, code, message, expression));

    public static FhirException BadRequest(string message, string? expression = null)
        => Of(HttpStatusCode.BadRequest, OperationOutcome.IssueType.Invalid, message, expression);
    public static FhirException NotFound(string message)
        => Of(HttpStatusCode.NotFound, OperationOutcome.IssueType.NotFound, message);
    public static FhirException Gone(string message)
        => Of(HttpStatusCode.Gone, OperationOutcome.IssueType.Deleted, message);
    public static FhirException Conflict(string message)
        => Of(HttpStatusCode.Conflict, OperationOutcome.IssueType.Conflict, message);
    public static FhirException PreconditionFailed(string message)
        => Of(HttpStatusCode.PreconditionFailed, OperationOutcome.IssueType.Conflict, message);
    public static FhirException MethodNotAllowed(string message)
        => Of(HttpStatusCode.MethodNotAllowed, OperationOutcome.IssueType.NotSupported, message);
    public static FhirException Unprocessable(string message, string? expression = null)
        => Of(HttpStatusCode.UnprocessableEntity, OperationOutcome.IssueType.Processing, message, expression);
    public static FhirException TooLarge(string message)
        => Of(HttpStatusCode.RequestEntityTooLarge, OperationOutcome.IssueType.TooCostly, message);
    public static FhirException NotSupported(string message)
        => Of(HttpStatusCode.BadRequest, OperationOutcome.IssueType.NotSupported, message);
}
