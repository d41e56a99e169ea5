using System.Text.RegularExpressions;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Validation;

/// <summary>Shapes the validator's OperationOutcome so every issue names its element as FHIRPath in <c>expression</c>.</summary>
public static partial class ValidationOutcome
{
    /// <summary>
    /// Fills <c>expression</c> from <c>location</c> where the validator left it empty, and points a missing required
    /// member at the member itself: the validator reports it at the parent, which does not name the faulty element.
    /// </summary>
    public static OperationOutcome Normalize(OperationOutcome outcome)
    {
        foreach (var issue in outcome.Issue)
        {
            var expressions = issue.Expression.Any() ? issue.Expression.ToList() : issue.Location.ToList();
            var missing = MissingMember().Match(issue.Details?.Text ?? issue.Diagnostics ?? "");
            if (missing.Success && expressions.Count == 1)
                expressions = [$"{expressions[0]}.{missing.Groups["name"].Value}"];
            issue.Expression = expressions;
        }
        return outcome;
    }

    [GeneratedRegex(@"^(Missing required member: '|No elements matched required slice: ')(?<name>[A-Za-z][A-Za-z0-9]*)[':]")]
    private static partial Regex MissingMember();
}
