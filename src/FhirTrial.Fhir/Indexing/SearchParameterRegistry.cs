using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using FhirTrial.Fhir.Search;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Indexing;

/// <summary>Every search parameter the server knows, per resource type: the spec's, the common ones, and the trial package's.</summary>
public sealed class SearchParameterRegistry
{
    private static readonly Regex ResolveIs = new(@"\.where\(resolve\(\) is (\w+)\)", RegexOptions.Compiled);
    private readonly ConcurrentDictionary<string, Dictionary<string, SearchParamInfo>> _byType = new();
    private readonly Dictionary<string, SearchParamInfo> _byUrl = new();
    private readonly List<SearchParameter> _custom = [];
    private readonly ConcurrentDictionary<(string Type, string Name), bool> _onlyOn = new();

    public SearchParameterRegistry(IEnumerable<SearchParameter>? custom = null)
    {
        foreach (var type in ModelInfo.SupportedResources)
        {
            var map = new Dictionary<string, SearchParamInfo>(StringComparer.Ordinal);
            foreach (var common in CommonParameters(type)) map[common.Name] = common;
            _byType[type] = map;
        }
        foreach (var def in ModelInfo.SearchParameters)
        {
            if (def.Resource is null || !_byType.TryGetValue(def.Resource, out var map)) continue;
            var info = FromDefinition(def.Resource, def.Name ?? def.Code ?? "", def.Type, def.Expression ?? "", def.Url ?? "",
                def.Target?.Select(t => t.ToString()).ToList() ?? [],
                def.Component?.Select(c => new CompositeComponent(c.Definition ?? "", c.Expression ?? "")).ToList() ?? []);
            if (info is not null) map[info.Name] = info;
        }
        foreach (var sp in custom ?? []) Add(sp);
    }

    /// <summary>The trial package's SearchParameters, indexed like the core ones.</summary>
    public IReadOnlyList<SearchParameter> Custom => _custom;

    public IReadOnlyCollection<string> ResourceTypes => (IReadOnlyCollection<string>)_byType.Keys;

    /// <summary>
    /// True when <paramref name="type"/> stores rows for <paramref name="name"/> and no other type has a parameter of that
    /// name, so every index row under the name belongs to a resource of <paramref name="type"/>.
    /// </summary>
    public bool IsOnlyOn(string type, string name) => _onlyOn.GetOrAdd((type, name), key =>
        Find(key.Type, key.Name) is not null && !DerivedParameters.IsDerived(key.Type, key.Name)
        && _byType.All(t => t.Key == key.Type || !t.Value.ContainsKey(key.Name)));

    /// <summary>Counts the changes made by <see cref="Add"/>, so that what callers derived from the parameters can tell it is stale.</summary>
    public int Version { get; private set; }

    public void Add(SearchParameter sp)
    {
        Version++;
        _onlyOn.Clear();
        _custom.Add(sp);
        foreach (var baseType in sp.Base.Select(b => b?.ToString()).OfType<string>())
        {
            var types = baseType is "Resource" or "DomainResource" ? _byType.Keys.ToList() : [baseType];
            foreach (var type in types)
            {
                if (!_byType.TryGetValue(type, out var map)) continue;
                var info = FromDefinition(type, sp.Code ?? sp.Name ?? "", sp.Type ?? SearchParamType.String, sp.Expression ?? "", sp.Url ?? "",
                    sp.Target.Select(t => t?.ToString()).OfType<string>().ToList(),
                    sp.Component.Select(c => new CompositeComponent(c.Definition ?? "", c.Expression ?? "")).ToList());
                if (info is not null) map[info.Name] = info;
            }
        }
    }

    public SearchParamInfo? Find(string resourceType, string name)
        => _byType.TryGetValue(resourceType, out var map) && map.TryGetValue(name, out var info) ? info : null;

    public IReadOnlyCollection<SearchParamInfo> ForType(string resourceType)
        => _byType.TryGetValue(resourceType, out var map) ? map.Values : [];

    public bool IsKnownType(string type) => _byType.ContainsKey(type);

    /// <summary>The definition behind a composite component's canonical URL.</summary>
    public SearchParamInfo? FindByUrl(string resourceType, string url)
        => ForType(resourceType).FirstOrDefault(p => p.Url == url)
           ?? ModelInfo.SearchParameters.Where(d => d.Url == url).Select(d => Find(d.Resource!, d.Name!)).FirstOrDefault();

    private static IEnumerable<SearchParamInfo> CommonParameters(string type) =>
    [
        new(type, "_id", SearchParamType.Token, $"{type}.id", "http://hl7.org/fhir/SearchParameter/Resource-id", [], []),
        new(type, "_lastUpdated", SearchParamType.Date, $"{type}.meta.lastUpdated", "http://hl7.org/fhir/SearchParameter/Resource-lastUpdated", [], []),
        new(type, "_tag", SearchParamType.Token, $"{type}.meta.tag", "http://hl7.org/fhir/SearchParameter/Resource-tag", [], []),
        new(type, "_profile", SearchParamType.Uri, $"{type}.meta.profile", "http://hl7.org/fhir/SearchParameter/Resource-profile", [], []),
        new(type, "_security", SearchParamType.Token, $"{type}.meta.security", "http://hl7.org/fhir/SearchParameter/Resource-security", [], []),
        new(type, "_source", SearchParamType.Uri, $"{type}.meta.source", "http://hl7.org/fhir/SearchParameter/Resource-source", [], []),
    ];

    private static SearchParamInfo? FromDefinition(string type, string name, SearchParamType kind, string expression, string url,
        IReadOnlyList<string> targets, IReadOnlyList<CompositeComponent> components)
    {
        var own = OwnExpression(type, expression);
        if (own is null && kind != SearchParamType.Special) return null;
        var restricted = new List<string>();
        own = ResolveIs.Replace(own ?? "", m => { restricted.Add(m.Groups[1].Value); return ""; });
        var effectiveTargets = restricted.Count > 0 ? restricted.Distinct().ToList() : targets;
        return new SearchParamInfo(type, name, kind, own, url, effectiveTargets, components);
    }

    /// <summary>The parts of a shared expression (<c>A.x | B.y</c>) that apply to this resource type.</summary>
    private static string? OwnExpression(string type, string expression)
    {
        if (string.IsNullOrWhiteSpace(expression)) return null;
        var parts = SearchExpressions.SplitUnion(expression)
            .Select(p => RootOf(p) is { Length: > 0 } r && char.IsLower(r[0]) ? $"{type}.{p}" : p) // a few spec expressions are relative
            .Where(p => RootOf(p) is var root && (root == type || root is "Resource" or "DomainResource"))
            .Select(p => RootOf(p) is "Resource" or "DomainResource" ? ReplaceRoot(p, type) : p)
            .ToList();
        return parts.Count == 0 ? null : string.Join(" | ", parts);
    }

    private static string RootOf(string part)
    {
        var p = part.TrimStart('(', ' ');
        var end = 0;
        while (end < p.Length && char.IsLetterOrDigit(p[end])) end++;
        return p[..end];
    }

    private static string ReplaceRoot(string part, string type)
    {
        var idx = part.IndexOf(RootOf(part), StringComparison.Ordinal);
        return part[..idx] + type + part[(idx + RootOf(part).Length)..];
    }
}
