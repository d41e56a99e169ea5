using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;

namespace FhirTrial.Fhir.Validation;

/// <summary>
/// SearchParameter rules the Firely validator leaves unchecked (FHIR R4 searchparameter.html):
/// <list type="bullet">
/// <item><c>derivedFrom</c>: "Where this search parameter is originally defined. If a derivedFrom is provided, then the
/// details in the search parameter must be consistent with the definition from which it is defined", so every
/// <c>base</c> must be a base of the parameter derived from (when that one is known here).</item>
/// <item><c>expression</c> is evaluated on resources of the <c>base</c> types: a path that starts at another resource
/// type (<c>Organization.name</c> on a Patient parameter) can never match.</item>
/// </list>
/// </summary>
public static class SearchParameterChecks
{
    private static readonly HashSet<string> Abstract = new(StringComparer.Ordinal) { "Resource", "DomainResource" };

    /// <param name="resolver">Where the parameter derived from is looked up by canonical URL.</param>
    public static IEnumerable<OperationOutcome.IssueComponent> Check(Resource resource, IAsyncResourceResolver resolver)
    {
        foreach (var (node, location) in ResourceWalk.Resources(resource))
        {
            if (node is not SearchParameter parameter) continue;
            var bases = parameter.BaseElement.Select(b => b.JsonValue as string).OfType<string>().ToList();
            var origin = string.IsNullOrEmpty(parameter.DerivedFrom) ? null
                : resolver.TryResolveByCanonicalUriAsync(parameter.DerivedFrom).GetAwaiter().GetResult().Value as SearchParameter;
            if (origin is not null)
            {
                var allowed = origin.BaseElement.Select(b => b.JsonValue as string).OfType<string>().ToHashSet(StringComparer.Ordinal);
                if (!allowed.Overlaps(Abstract))
                    foreach (var type in bases.Where(b => !allowed.Contains(b)))
                        yield return ResourceWalk.Error(location,
                            $"The resource type {type} is not listed as a base in the SearchParameter this is derived from ({parameter.DerivedFrom}).",
                            OperationOutcome.IssueType.BusinessRule);
            }
            if (parameter.Expression is { Length: > 0 } expression && bases.Count > 0 && !bases.Any(Abstract.Contains))
                foreach (var start in StartingTypes(expression).Where(t => ModelInfo.IsKnownResource(t) && !Abstract.Contains(t) && !bases.Contains(t)).Distinct())
                    yield return ResourceWalk.Error($"{location}.expression",
                        $"The expression '{expression}' starts at {start}, which is not a base of this search parameter ({string.Join(", ", bases)}).",
                        OperationOutcome.IssueType.BusinessRule);
        }
    }

    /// <summary>The type name each top-level union branch starts with (<c>(Observation.value as Quantity) | Patient.x</c>
    /// gives Observation, Patient); branches starting otherwise are skipped.</summary>
    private static IEnumerable<string> StartingTypes(string expression)
    {
        var depth = 0;
        var quoted = false;
        var start = 0;
        for (var i = 0; i <= expression.Length; i++)
        {
            var c = i < expression.Length ? expression[i] : '|';
            if (c == '\'' && (i == 0 || expression[i - 1] != '\\')) quoted = !quoted;
            if (quoted) continue;
            if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (c == '|' && depth == 0)
            {
                var branch = expression[start..i].TrimStart(' ', '\t', '\r', '\n', '(');
                var end = 0;
                while (end < branch.Length && char.IsAsciiLetter(branch[end])) end++;
                if (end > 0 && char.IsAsciiLetterUpper(branch[0]) && end < branch.Length && branch[end] == '.') yield return branch[..end];
                start = i + 1;
            }
        }
    }
}
