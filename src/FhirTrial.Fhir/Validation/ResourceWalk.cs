using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Validation;

/// <summary>
/// The elements of a resource, contained and Bundle-entry resources included, each with its location as FHIRPath
/// (<c>Media.content[0]</c>), and the error issue the checks beside the Firely validator report.
/// </summary>
public static class ResourceWalk
{
    public static IEnumerable<(Base Node, string Location)> Nodes(Resource resource) => Nodes(resource, resource.TypeName);

    /// <summary><paramref name="root"/> (at <paramref name="location"/>) and every element below it.</summary>
    public static IEnumerable<(Base Node, string Location)> Nodes(Base root, string location)
    {
        var pending = new Stack<(Base Node, string Location)>();
        pending.Push((root, location));
        while (pending.Count > 0)
        {
            var (node, at) = pending.Pop();
            yield return (node, at);
            foreach (var (name, value) in node.EnumerateElements())
            {
                if (value is Base single) pending.Push((single, $"{at}.{name}[0]"));
                else if (value is IEnumerable<Base> many)
                {
                    var index = 0;
                    foreach (var child in many) pending.Push((child, $"{at}.{name}[{index++}]"));
                }
            }
        }
    }

    public static OperationOutcome.IssueComponent Error(string location, string message,
        OperationOutcome.IssueType code = OperationOutcome.IssueType.Invalid) => new()
    {
        Severity = OperationOutcome.IssueSeverity.Error,
        Code = code,
        Diagnostics = message,
        Expression = [location],
    };
}
