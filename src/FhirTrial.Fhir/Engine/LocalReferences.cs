using FhirTrial.Fhir.Indexing;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Engine;

/// <summary>A reference to a resource of this server: relative <c>Type/id</c>, absolute to one of its base URLs, or
/// versioned <c>.../_history/n</c>.</summary>
public readonly record struct LocalReference(string Type, string Id, int? Version)
{
    public string Key => $"{Type}/{Id}";

    /// <summary>Whether the reference resolves to a target whose current version is <paramref name="currentVersion"/>
    /// (null: none, or deleted).</summary>
    public bool ResolvesTo(int? currentVersion) => currentVersion is int v && (Version ?? 0) <= v;

    public override string ToString() => Version is int v ? $"{Key}/_history/{v}" : Key;
}

/// <summary>
/// The local references a resource holds: the ones referential integrity checks. Contained (<c>#id</c>),
/// identifier-only, other servers' and logical (<c>urn:</c>) references are not local.
/// </summary>
public static class LocalReferences
{
    public static LocalReference? Parse(string? text)
    {
        if (string.IsNullOrEmpty(text) || text[0] == '#' || text.Contains('?') || text.StartsWith("urn:", StringComparison.Ordinal)) return null;
        var parsed = ReferenceParser.Parse(text);
        if (parsed.Type is null || parsed.Id is null) return null;
        int? version = null;
        var history = text.IndexOf("/_history/", StringComparison.Ordinal);
        if (history >= 0 && int.TryParse(text.AsSpan(history + "/_history/".Length), out var v)) version = v;
        return new LocalReference(parsed.Type, parsed.Id, version);
    }

    /// <summary>Every local reference of the resource (contained resources included).</summary>
    public static IEnumerable<LocalReference> Of(Resource resource) => Of(ReferenceRewriter.References(resource));

    /// <summary>The local ones among references already found in a resource.</summary>
    public static IEnumerable<LocalReference> Of(IEnumerable<ResourceReference> references)
    {
        foreach (var element in references)
            if (Parse(element.Reference) is { } local) yield return local;
    }

    /// <summary>The local references with the FHIRPath of the element holding each (<c>Observation.performer[1]</c>).</summary>
    public static IEnumerable<(string Path, LocalReference Target)> WithPaths(Resource resource)
    {
        foreach (var (path, element) in Walk(resource.TypeName, resource))
            if (element is ResourceReference r && Parse(r.Reference) is { } local) yield return (path, local);
    }

    private static IEnumerable<(string Path, Base Element)> Walk(string path, Base node)
    {
        yield return (path, node);
        foreach (var (name, value) in node.EnumerateElements())
        {
            if (name == "id") continue;
            if (value is Base child)
                foreach (var item in Walk($"{path}.{name}", child)) yield return item;
            else if (value is System.Collections.IEnumerable list and not string)
            {
                var i = 0;
                foreach (var element in list)
                {
                    if (element is Base b)
                        foreach (var item in Walk($"{path}.{name}[{i}]", b)) yield return item;
                    i++;
                }
            }
        }
    }
}
