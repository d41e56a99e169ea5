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
    public static IEnumerable<(Base Node, string Location)> Nodes(Base root, string location) => Nodes(root, location, _ => true);

    private static IEnumerable<(Base Node, string Location)> Nodes(Base root, string location, Func<Base, bool> enter)
    {
        var pending = new Stack<(Base Node, string Location)>();
        pending.Push((root, location));
        while (pending.Count > 0)
        {
            var (node, at) = pending.Pop();
            yield return (node, at);
            if (!enter(node)) continue;
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

    /// <summary><paramref name="resource"/> and the resources inside it (contained, Bundle entries and outcomes,
    /// Parameters), with their locations: only resources and backbone elements can hold a resource, so data types are
    /// not entered.</summary>
    public static IEnumerable<(Resource Resource, string Location)> Resources(Resource resource) =>
        Nodes(resource, resource.TypeName, node => node is Resource or BackboneElement)
            .Where(n => n.Node is Resource).Select(n => ((Resource)n.Node, n.Location));

    public static OperationOutcome.IssueComponent Error(string location, string message,
        OperationOutcome.IssueType code = OperationOutcome.IssueType.Invalid) => new()
    {
        Severity = OperationOutcome.IssueSeverity.Error,
        Code = code,
        Diagnostics = message,
        Expression = [location],
    };
}
