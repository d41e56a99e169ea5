using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Validation;

/// <summary>Walks a resource's elements with their FHIRPath locations, every step indexed as the validator writes them
/// (<c>Bundle.entry[0].resource[0].subject[0]</c>).</summary>
internal static class InstanceTree
{
    /// <summary>The children of <paramref name="element"/>, each with its name and location.</summary>
    public static IEnumerable<(string Name, string Path, Base Child)> Children(Base element, string path)
    {
        foreach (var (name, value) in element.EnumerateElements())
        {
            var children = value switch
            {
                Base single => [single],
                IEnumerable<Base> many => many.ToList(),
                _ => new List<Base>(),
            };
            for (int index = 0; index < children.Count; index++)
                yield return (name, $"{path}.{name}[{index}]", children[index]);
        }
    }

    /// <summary>Every element below <paramref name="element"/>, depth first; <paramref name="descend"/> decides
    /// whether the walk goes below a child (its own entry is yielded either way).</summary>
    public static IEnumerable<(string Name, string Path, Base Element)> Descendants(Base element, string path, Func<string, Base, bool>? descend = null)
    {
        var stack = new Stack<(string, string, Base)>(Children(element, path).Reverse());
        while (stack.Count > 0)
        {
            var (name, here, child) = stack.Pop();
            yield return (name, here, child);
            if (descend is null || descend(name, child))
                foreach (var next in Children(child, here).Reverse()) stack.Push(next);
        }
    }

    public static OperationOutcome.IssueComponent Error(OperationOutcome.IssueType code, string location, string message) =>
        Issue(OperationOutcome.IssueSeverity.Error, code, location, message);

    public static OperationOutcome.IssueComponent Issue(OperationOutcome.IssueSeverity severity, OperationOutcome.IssueType code, string location, string message) => new()
    {
        Severity = severity,
        Code = code,
        Diagnostics = message,
        Expression = [location],
    };
}
