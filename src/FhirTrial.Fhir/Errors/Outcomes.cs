using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Errors;

/// <summary>Builds OperationOutcomes so every place reports issues the same way.</summary>
public static class Outcomes
{
    public static OperationOutcome Single(OperationOutcome.IssueSeverity severity, OperationOutcome.IssueType code,
        string message, string? expression = null)
    {
        var issue = new OperationOutcome.IssueComponent { Severity = severity, Code = code, Diagnostics = message };
        if (expression is not null) issue.Expression = [expression];
        return new OperationOutcome { Issue = [issue] };
    }

    public static OperationOutcome Information(string message)
        => Single(OperationOutcome.IssueSeverity.Information, OperationOutcome.IssueType.Informational, message);

    public static bool HasErrors(this OperationOutcome outcome)
        => outcome.Issue.Any(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal);
}
