using System.Text.RegularExpressions;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Validation;

/// <summary>
/// What the FHIR R4 Bundle rules require and the Firely validator does not check, as the HL7 reference validator does:
/// <list type="bullet">
/// <item><c>entry.fullUrl</c> is absolute and, when it is a RESTful URL, names the entry's resource: same type, same id
/// (R4 Bundle.entry.fullUrl: "The Absolute URL for the resource. The fullUrl SHALL NOT disagree with the id in the
/// resource").</item>
/// <item>References resolve inside the Bundle as R4 "Resolving references in Bundles" (bundle.html#references) says: a
/// relative <c>[type]/[id]</c> against the RESTful base of the referring entry's fullUrl, a version through
/// <c>meta.versionId</c>. What resolves must be of the type the reference names; a reference without a version that
/// matches several entries (bdl-7 allows one fullUrl per version) is ambiguous, outside history Bundles; a versioned
/// reference in a document must match the version it names when the Bundle holds that resource.</item>
/// <item>In a searchset, an entry whose <c>search.mode</c> is <c>outcome</c> holds an OperationOutcome (R4 search-entry-mode),
/// and a <c>match</c> has an id (R4 resource.html#id: only a resource being created has none).</item>
/// </list>
/// A reference that resolves to nothing in the Bundle is external and not checked, as the reference validator does.
/// Signatures: <see cref="BundleSignatures"/>.
/// </summary>
public static partial class BundleRules
{
    public static IEnumerable<OperationOutcome.IssueComponent> Check(Resource resource)
    {
        if (resource is not Bundle bundle) return [];
        var issues = new List<OperationOutcome.IssueComponent>();
        var byUrl = bundle.Entry.Where(e => e.FullUrl is not null && e.Resource is not null)
            .ToLookup(e => e.FullUrl, StringComparer.Ordinal);
        for (int index = 0; index < bundle.Entry.Count; index++)
        {
            var entry = bundle.Entry[index];
            var path = $"Bundle.entry[{index}]";
            if (entry.FullUrl is { } fullUrl) CheckFullUrl(entry, fullUrl, $"{path}.fullUrl", issues);
            if (entry.Resource is not { } target) continue;
            if (bundle.Type == Bundle.BundleType.Searchset) CheckSearchEntry(entry, target, $"{path}.resource[0]", issues);
            foreach (var (element, here) in ResourceWalk.Nodes(target, $"{path}.resource[0]"))
                if (element is ResourceReference { Reference: { } reference } && !reference.StartsWith('#'))
                    CheckReference(bundle, byUrl, entry, reference, here, issues);
        }
        issues.AddRange(BundleSignatures.Check(bundle));
        return issues;
    }

    private static void CheckFullUrl(Bundle.EntryComponent entry, string fullUrl, string path, List<OperationOutcome.IssueComponent> issues)
    {
        if (!Absolute().IsMatch(fullUrl))
        {
            issues.Add(ResourceWalk.Error(code: OperationOutcome.IssueType.Invalid, location: path, message: $"The fullUrl must be an absolute URL, not '{fullUrl}' (Bundle.entry.fullUrl)."));
            return;
        }
        // a server assigns the id of a resource it is asked to create
        if (entry.Resource is not { } resource || entry.Request?.Method == Bundle.HTTPVerb.POST) return;
        if (Restful(fullUrl) is not { } url) return;
        if (url.Type != resource.TypeName)
            issues.Add(ResourceWalk.Error(code: OperationOutcome.IssueType.Invalid, location: path,
                message: $"The fullUrl '{fullUrl}' names a {url.Type}, but the entry holds a {resource.TypeName} (Bundle.entry.fullUrl SHALL NOT disagree with the resource)."));
        else if (resource.Id is null)
            issues.Add(ResourceWalk.Error(code: OperationOutcome.IssueType.Invalid, location: path,
                message: $"The fullUrl '{fullUrl}' is a RESTful URL, but the resource has no id (Bundle.entry.fullUrl SHALL NOT disagree with the id in the resource)."));
        else if (resource.Id != url.Id)
            issues.Add(ResourceWalk.Error(code: OperationOutcome.IssueType.Invalid, location: path,
                message: $"The fullUrl '{fullUrl}' names id '{url.Id}', but the resource's id is '{resource.Id}' (Bundle.entry.fullUrl SHALL NOT disagree with the id in the resource)."));
    }

    private static void CheckSearchEntry(Bundle.EntryComponent entry, Resource resource, string path, List<OperationOutcome.IssueComponent> issues)
    {
        if (entry.Search?.Mode == Bundle.SearchEntryMode.Outcome && resource is not OperationOutcome)
            issues.Add(ResourceWalk.Error(code: OperationOutcome.IssueType.Invalid, location: path,
                message: $"An entry with search.mode 'outcome' must hold an OperationOutcome, not a {resource.TypeName}."));
        if (entry.Search?.Mode == Bundle.SearchEntryMode.Match && string.IsNullOrEmpty(resource.Id))
            issues.Add(ResourceWalk.Error(code: OperationOutcome.IssueType.Required, location: path,
                message: $"A search result ({resource.TypeName}, search.mode 'match') must have an id."));
    }

    private static void CheckReference(Bundle bundle, ILookup<string?, Bundle.EntryComponent> byUrl, Bundle.EntryComponent from,
        string reference, string path, List<OperationOutcome.IssueComponent> issues)
    {
        var named = Restful(reference); // the type, id and version the reference itself names, if it has that form
        string? absolute = null;
        if (Absolute().IsMatch(reference)) absolute = reference;
        else if (named is not null && from.FullUrl is { } fullUrl && Restful(fullUrl) is { Base: { } fromBase })
            absolute = fromBase + reference;
        if (absolute is null && named is null) return;

        var (url, version) = absolute is null ? (null, named!.Version) : WithoutVersion(absolute);
        var matches = url is null ? [] : byUrl[url].ToList();
        if (version is not null && bundle.Type == Bundle.BundleType.Document && matches.Count > 0
            && !matches.Any(e => e.Resource!.Meta?.VersionId == version))
            issues.Add(ResourceWalk.Error(code: OperationOutcome.IssueType.NotFound, location: path,
                message: $"'{reference}' names version {version}, but the Bundle holds {url} only as version(s) {string.Join(", ", matches.Select(e => e.Resource!.Meta?.VersionId ?? "(none)"))} (bundle.html#references: a version matches meta.versionId)."));
        if (version is null && bundle.Type != Bundle.BundleType.History && matches.Count > 1)
            issues.Add(ResourceWalk.Error(code: OperationOutcome.IssueType.MultipleMatches, location: path,
                message: $"'{reference}' matches {matches.Count} entries of the Bundle ({url}); name the version (bundle.html#references, bdl-7)."));
        if (version is not null) matches = matches.Where(e => e.Resource!.Meta?.VersionId == version).ToList();

        if (named is null) return;
        // A relative reference from an entry without a RESTful base resolves to nothing by the spec's rules; the entry
        // whose urn:uuid is the reference's id is still the only one it can mean (the reference validator matches it).
        if (matches.Count == 0 && absolute is null)
            matches = byUrl[$"urn:uuid:{named.Id}"].ToList();
        foreach (var target in matches.Where(e => e.Resource!.TypeName != named.Type).Take(1))
            issues.Add(ResourceWalk.Error(code: OperationOutcome.IssueType.Invalid, location: path,
                message: $"'{reference}' names a {named.Type}, but the Bundle entry it resolves to ({target.FullUrl}) is a {target.Resource!.TypeName}."));
    }

    private sealed record RestfulUrl(string? Base, string Type, string Id, string? Version);

    /// <summary>The parts of a RESTful URL (R4 references.html: <c>[base]/[type]/[id](/_history/[vid])</c>), relative
    /// or absolute over http(s); null when <paramref name="url"/> does not have that form or names no resource type.</summary>
    private static RestfulUrl? Restful(string url)
    {
        var match = RestfulPattern().Match(url);
        if (!match.Success || !ModelInfo.IsKnownResource(match.Groups["type"].Value)) return null;
        return new(match.Groups["base"].Success ? match.Groups["base"].Value : null, match.Groups["type"].Value,
            match.Groups["id"].Value, match.Groups["version"].Success ? match.Groups["version"].Value : null);
    }

    private static (string Url, string? Version) WithoutVersion(string url)
    {
        var at = url.IndexOf("/_history/", StringComparison.Ordinal);
        return at < 0 ? (url, null) : (url[..at], url[(at + "/_history/".Length)..]);
    }

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.\-]*:")]
    private static partial Regex Absolute();

    [GeneratedRegex(@"^(?<base>https?://.+/)?(?<type>[A-Z][A-Za-z]+)/(?<id>[A-Za-z0-9\-\.]{1,64})(/_history/(?<version>[A-Za-z0-9\-\.]{1,64}))?$")]
    private static partial Regex RestfulPattern();
}
