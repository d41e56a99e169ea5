using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Validation;

/// <summary>
/// What the Firely validator does not check about extension URLs and the HL7 reference validator does: an extension's
/// <c>url</c> is absolute (a complex extension's parts aside, whose urls are their names), and an extension is not
/// one of the spec's example domains (example.org, example.com), which name nothing real.
/// </summary>
public static class ExtensionUrlChecks
{
    private static readonly HashSet<string> ExampleHosts = new(StringComparer.OrdinalIgnoreCase) { "example.org", "www.example.org", "example.com", "www.example.com" };

    public static IEnumerable<OperationOutcome.IssueComponent> Check(Resource resource)
    {
        var issues = new List<OperationOutcome.IssueComponent>();
        Walk(resource, resource.TypeName, insideExtension: false, issues);
        return issues;
    }

    private static void Walk(Base element, string location, bool insideExtension, List<OperationOutcome.IssueComponent> issues)
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
            {
                var child = children[index];
                var here = $"{location}.{name}[{index}]";
                if (child is Extension { Url: { } url })
                {
                    var absolute = Uri.TryCreate(url, UriKind.Absolute, out var uri);
                    // inside a complex extension a part's url is its name ("code"), relative by design
                    if (!absolute && !insideExtension)
                        issues.Add(Error(here, $"Extension.url must be an absolute URL, not '{url}'."));
                    else if (absolute && ExampleHosts.Contains(uri!.Host))
                        issues.Add(Error(here, $"Example URLs are not allowed here ({url}): an extension must name a real definition."));
                }
                Walk(child, here, insideExtension || child is Extension, issues);
            }
        }
    }

    private static OperationOutcome.IssueComponent Error(string location, string message) => new()
    {
        Severity = OperationOutcome.IssueSeverity.Error,
        Code = OperationOutcome.IssueType.Value,
        Diagnostics = message,
        Expression = [location],
    };
}
