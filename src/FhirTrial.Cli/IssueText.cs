using System.Text.Json.Nodes;
using Hl7.Fhir.Model;

namespace FhirTrial.Cli;

/// <summary>
/// What an OperationOutcome issue says, for people: the validator puts its message in <c>details.text</c> ("Value '7'
/// is larger than 5") and an ElementDefinition trace in <c>diagnostics</c>; the server's own issues have only
/// <c>diagnostics</c>. The message is <c>details.text</c> when present, the trace is shown only on request.
/// </summary>
public static class IssueText
{
    private const string TracePrefix = "ElementDefinition trace";

    public static (string Message, string? Trace) Of(OperationOutcome.IssueComponent issue)
        => Pick(issue.Details?.Text, issue.Diagnostics, issue.Code?.ToString());

    public static (string Message, string? Trace) Of(JsonNode? issue)
        => Pick((string?)issue?["details"]?["text"], (string?)issue?["diagnostics"], (string?)issue?["code"]);

    private static (string, string?) Pick(string? details, string? diagnostics, string? code)
    {
        var isTrace = diagnostics?.StartsWith(TracePrefix, StringComparison.Ordinal) == true;
        var message = !string.IsNullOrWhiteSpace(details) ? details
            : !isTrace && !string.IsNullOrWhiteSpace(diagnostics) ? diagnostics
            : code ?? "no message";
        var trace = isTrace ? diagnostics : null;
        return (message, trace);
    }
}
