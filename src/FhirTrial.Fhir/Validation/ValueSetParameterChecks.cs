using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Hl7.FhirPath;

namespace FhirTrial.Fhir.Validation;

/// <summary>
/// Parameterised value sets (HL7 FHIR tooling extensions <c>valueset-parameter</c> and <c>cqf-expression</c> on a
/// compose filter's value): a filter value computed by an expression must be FHIRPath (<c>text/fhirpath</c>, the only
/// language a terminology server evaluates there), must parse, and may only use the parameters the ValueSet declares
/// (besides FHIR's environment variables, FHIR R4 fhirpath.html#vars). The Firely validator checks none of this.
/// </summary>
public static partial class ValueSetParameterChecks
{
    public const string ParameterExtension = "http://hl7.org/fhir/tools/StructureDefinition/valueset-parameter";
    public const string ExpressionExtension = "http://hl7.org/fhir/StructureDefinition/cqf-expression";

    private static readonly HashSet<string> Environment = new(StringComparer.Ordinal)
        { "context", "resource", "rootResource", "ucum", "sct", "loinc", "us-zip", "profile", "map" };

    private static readonly FhirPathCompiler Compiler = new();

    public static IEnumerable<OperationOutcome.IssueComponent> Check(Resource resource)
    {
        foreach (var (node, location) in ResourceWalk.Resources(resource))
        {
            if (node is not ValueSet { Compose: { } compose } valueSet) continue;
            var declared = valueSet.Extension.Where(e => e.Url == ParameterExtension)
                .Select(e => e.GetExtensionValue<Code>("name")?.Value).OfType<string>().ToHashSet(StringComparer.Ordinal);
            foreach (var (inner, at) in ResourceWalk.Nodes(compose, $"{location}.compose[0]"))
            {
                if (inner is not Extension { Url: ExpressionExtension, Value: Expression expression }) continue;
                foreach (var issue in CheckExpression(expression, declared, at)) yield return issue;
            }
        }
    }

    private static IEnumerable<OperationOutcome.IssueComponent> CheckExpression(Expression expression, HashSet<string> declared, string where)
    {
        if (expression.Language != "text/fhirpath")
        {
            yield return ResourceWalk.Error(where, $"A ValueSet expression language must be 'text/fhirpath' not '{expression.Language}'.");
            yield break;
        }
        var text = expression.Expression_ ?? "";
        var names = Constant().Matches(text).Select(m => m.Groups["name"].Value).ToList();
        string? syntax = null;
        try
        {
            // FHIR's own variables may carry hyphens (%vs-name, %ext-name), which plain FHIRPath names may not
            Compiler.Parse(Constant().Replace(text, m => "%" + m.Groups["name"].Value.Replace('-', '_')));
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            syntax = e.Message;
        }
        if (syntax is not null)
        {
            yield return ResourceWalk.Error(where, $"The value of the expression '{text}' is not a valid FHIRPath: {syntax}");
            yield break;
        }
        foreach (var name in names.Distinct())
            if (!declared.Contains(name) && !Environment.Contains(name) && !name.StartsWith("vs-", StringComparison.Ordinal) && !name.StartsWith("ext-", StringComparison.Ordinal))
                yield return ResourceWalk.Error(where, $"The filter parameter expression '{text}' refers to the unknown parameter '{name}'.");
    }

    [GeneratedRegex(@"%(?<name>[A-Za-z][A-Za-z0-9_-]*)")]
    private static partial Regex Constant();
}
