using System.Globalization;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Indexing;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;

namespace FhirTrial.Fhir.Search;

/// <summary>Turns the query string of a search into a <see cref="SearchRequest"/>, resolving every name against the registry.</summary>
public sealed class SearchParser(SearchParameterRegistry registry)
{
    public const int DefaultCount = 50;
    public const int MaxCount = 1000;

    /// <summary>Criteria one search may hold; each is a condition the database nests, so thousands of them reached its
    /// expression-depth limit (a 500) and repeated the work at the client's will.</summary>
    public const int MaxCriteria = 100;

    /// <summary>Links one criterion may go through (chained parameters and <c>_has</c> together); the access restriction
    /// is added at every link, so a deep one costs more than its length.</summary>
    public const int MaxLinks = 6;

    /// <summary>Different <c>_include</c> and <c>_revinclude</c> values one search may name (repeats count once).</summary>
    public const int MaxIncludes = 20;

    private static readonly HashSet<string> Ignorable = ["_format", "_pretty", "_contained", "_containedType", "_getpagesoffset"];

    public SearchRequest Parse(string? type, IEnumerable<KeyValuePair<string, string>> parameters, bool strict)
    {
        var criteria = new List<SearchCriterion>();
        var sort = new List<SortKey>();
        var includes = new List<IncludeSpec>();
        var revIncludes = new List<IncludeSpec>();
        var elements = new List<string>();
        var ignored = new List<string>();
        var echo = new List<KeyValuePair<string, string>>();
        int count = DefaultCount, offset = 0;
        bool total = true;
        var summary = SummaryType.False;
        var searchType = type ?? "Resource";

        foreach (var (name, value) in parameters)
        {
            switch (name)
            {
                case "_count":
                    count = Math.Clamp(ParseInt(name, value), 0, MaxCount);
                    break;
                case "_offset":
                    offset = Math.Max(0, ParseInt(name, value));
                    break;
                case "_total":
                    total = value != "none";
                    break;
                case "_sort":
                    foreach (var key in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                        sort.Add(ParseSort(searchType, key));
                    echo.Add(new(name, value));
                    break;
                case "_summary":
                    summary = value switch
                    {
                        "true" => SummaryType.True, "false" => SummaryType.False, "text" => SummaryType.Text,
                        "data" => SummaryType.Data, "count" => SummaryType.Count,
                        _ => throw FhirException.BadRequest($"'{value}' is not a valid _summary value."),
                    };
                    echo.Add(new(name, value));
                    break;
                case "_elements":
                    elements.AddRange(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    echo.Add(new(name, value));
                    break;
                case "_include" or "_include:iterate" or "_include:recurse":
                    AddInclude(includes, ParseInclude(value, name != "_include", reverse: false), echo, name, value);
                    break;
                case "_revinclude" or "_revinclude:iterate" or "_revinclude:recurse":
                    AddInclude(revIncludes, ParseInclude(value, name != "_revinclude", reverse: true), echo, name, value);
                    break;
                default:
                    if (Ignorable.Contains(name)) break;
                    var criterion = TryParseCriterion(searchType, name, value, strict);
                    if (criterion is null) { ignored.Add(name); break; }
                    if (criteria.Count == MaxCriteria)
                        throw TooCostly($"A search takes at most {MaxCriteria} criteria; split it, or join values of one parameter with commas.");
                    criteria.Add(criterion);
                    echo.Add(new(name, value));
                    break;
            }
        }
        if (includes.Count + revIncludes.Count > MaxIncludes)
            throw TooCostly($"A search names at most {MaxIncludes} different _include and _revinclude values.");
        if (summary == SummaryType.Count) count = 0;
        var query = new SearchQuery(type, criteria, sort, count, offset, total || summary == SummaryType.Count);
        return new SearchRequest(query, includes, revIncludes, summary, elements, ignored, echo);
    }

    /// <summary>Each include once, in the order first named; a repeat is neither run again nor echoed again.</summary>
    private static void AddInclude(List<IncludeSpec> specs, IncludeSpec spec, List<KeyValuePair<string, string>> echo, string name, string value)
    {
        if (specs.Contains(spec)) return;
        specs.Add(spec);
        echo.Add(new(name, value));
    }

    private static FhirException TooCostly(string message)
        => FhirException.Of(System.Net.HttpStatusCode.BadRequest, OperationOutcome.IssueType.TooCostly, message);

    /// <summary>One criterion, or null when the parameter is unknown and handling is lenient.</summary>
    public SearchCriterion? TryParseCriterion(string type, string name, string value, bool strict) => TryParseCriterion(type, name, value, strict, links: 0);

    private SearchCriterion? TryParseCriterion(string type, string name, string value, bool strict, int links)
    {
        if (links > MaxLinks)
            throw TooCostly($"A search parameter goes through at most {MaxLinks} chained or _has links.");
        if (name.StartsWith("_has:", StringComparison.Ordinal)) return ParseHas(type, name, value, strict, links);

        var dot = name.IndexOf('.');
        var head = dot < 0 ? name : name[..dot];
        var colon = head.IndexOf(':');
        var paramName = colon < 0 ? head : head[..colon];
        var modifierText = colon < 0 ? null : head[(colon + 1)..];
        var param = registry.Find(type == "Resource" ? "Patient" : type, paramName);
        if (type == "Resource" && param is not null && !paramName.StartsWith('_')) param = null;
        if (param is null)
        {
            if (strict) throw FhirException.BadRequest($"Unknown search parameter '{paramName}' for {type}.");
            return null;
        }

        if (dot >= 0) return ParseChain(param, modifierText, name[(dot + 1)..], value, strict, links);

        if (modifierText == "missing")
        {
            if (value is not ("true" or "false")) throw FhirException.BadRequest($"':missing' takes true or false, not '{value}'.");
            return new MissingCriterion(param.Name, param.Type, value == "true");
        }
        var (modifier, typeModifier) = ParseModifier(param, modifierText);
        var values = SearchValueParser.SplitEscaped(value, ',').Where(v => v.Length > 0).ToList();
        if (values.Count == 0) throw FhirException.BadRequest($"Parameter '{name}' has no value.");
        var parsed = values.Select(v => param.IsComposite
            ? ParseComposite(param, v)
            : WithType(SearchValueParser.Parse(param.Name, param.Type, modifier, v), typeModifier)).ToList();
        return new ValueCriterion(param.Name, param.Type, modifier, parsed) { RowsOnlyOfItsType = type != "Resource" && registry.IsOnlyOn(type, param.Name) };
    }

    private static SearchValue WithType(SearchValue value, string? typeModifier)
        => typeModifier is not null && value is ReferenceValue r ? r with { Type = typeModifier, Url = r.Type is null && r.Id is null ? r.Url : null } : value;

    private (SearchModifier, string?) ParseModifier(SearchParamInfo param, string? text)
    {
        if (text is null) return (SearchModifier.None, null);
        var modifier = text switch
        {
            "exact" when param.Type == SearchParamType.String => SearchModifier.Exact,
            "contains" when param.Type is SearchParamType.String or SearchParamType.Uri => SearchModifier.Contains,
            "text" when param.Type == SearchParamType.Token => SearchModifier.Text,
            "not" when param.Type == SearchParamType.Token => SearchModifier.Not,
            // token :above/:below need a terminology server's subsumption; only uri prefixes are answered honestly here
            "above" when param.Type is SearchParamType.Uri => SearchModifier.Above,
            "below" when param.Type is SearchParamType.Uri => SearchModifier.Below,
            "identifier" when param.Type == SearchParamType.Reference => SearchModifier.Identifier,
            _ when param.Type == SearchParamType.Reference && ModelInfo.IsKnownResource(text) => SearchModifier.Type,
            _ => throw FhirException.BadRequest($"Modifier ':{text}' is not supported on parameter '{param.Name}' ({param.Type})."),
        };
        return (modifier, modifier == SearchModifier.Type ? text : null);
    }

    private SearchCriterion? ParseChain(SearchParamInfo param, string? typeModifier, string rest, string value, bool strict, int links)
    {
        if (param.Type != SearchParamType.Reference)
            throw FhirException.BadRequest($"Parameter '{param.Name}' is not a reference and cannot be chained.");
        var nextName = rest.Split('.', 2)[0].Split(':')[0];
        var candidates = typeModifier is not null ? [typeModifier]
            : (param.TargetTypes.Count > 0 ? param.TargetTypes : registry.ResourceTypes).Where(t => registry.Find(t, nextName) is not null).ToList();
        if (candidates.Count == 0)
        {
            if (strict) throw FhirException.BadRequest($"Cannot chain '{param.Name}.{rest}': no target type has parameter '{nextName}'.");
            return null;
        }
        var inner = TryParseCriterion(candidates[0], rest, value, strict, links + 1);
        return inner is null ? null : new ChainCriterion(param.Name, candidates, inner);
    }

    private SearchCriterion? ParseHas(string type, string name, string value, bool strict, int links)
    {
        var parts = name.Split(':', 4);
        if (parts.Length < 4 || !registry.IsKnownType(parts[1]))
            throw FhirException.BadRequest($"'{name}' is not a valid _has parameter (_has:Type:reference:parameter).");
        var link = registry.Find(parts[1], parts[2]);
        if (link is null || link.Type != SearchParamType.Reference)
            throw FhirException.BadRequest($"'{parts[2]}' is not a reference parameter of {parts[1]}.");
        var inner = TryParseCriterion(parts[1], parts[3], value, strict, links + 1);
        return inner is null ? null : new HasCriterion(parts[1], parts[2], inner);
    }

    private SearchValue ParseComposite(SearchParamInfo param, string raw)
    {
        var pieces = SearchValueParser.SplitEscaped(raw, '$');
        if (pieces.Count != param.Components.Count)
            throw FhirException.BadRequest($"Composite '{param.Name}' needs {param.Components.Count} values joined by '$'.");
        var parts = new List<CompositePart>();
        for (int i = 0; i < pieces.Count; i++)
        {
            var definition = registry.FindByUrl(param.ResourceType, param.Components[i].DefinitionUrl)
                ?? throw FhirException.NotSupported($"Composite '{param.Name}' has a component this server does not know.");
            parts.Add(new CompositePart($"{param.Name}${i}", definition.Type,
                SearchValueParser.Parse(param.Name, definition.Type, SearchModifier.None, pieces[i])));
        }
        return new CompositeValue(parts);
    }

    private SortKey ParseSort(string type, string key)
    {
        var descending = key.StartsWith('-');
        var name = descending ? key[1..] : key;
        var param = registry.Find(type == "Resource" ? "Patient" : type, name)
            ?? throw FhirException.BadRequest($"Cannot sort by unknown parameter '{name}'.");
        if (param.Type is SearchParamType.Composite or SearchParamType.Special)
            throw FhirException.BadRequest($"Cannot sort by '{name}'.");
        return new SortKey(param.Name, param.Type, descending);
    }

    private IncludeSpec ParseInclude(string value, bool iterate, bool reverse)
    {
        if (value == "*") throw FhirException.NotSupported("Wildcard includes are not supported; name the reference parameter.");
        var parts = value.Split(':');
        if (parts.Length is < 2 or > 3 || !registry.IsKnownType(parts[0]))
            throw FhirException.BadRequest($"'{value}' is not a valid include (Type:parameter[:TargetType]).");
        var param = registry.Find(parts[0], parts[1]);
        if (param is null || param.Type != SearchParamType.Reference)
            throw FhirException.BadRequest($"'{parts[1]}' is not a reference parameter of {parts[0]}.");
        if (parts.Length == 3 && !ModelInfo.IsKnownResource(parts[2]))
            throw FhirException.BadRequest($"'{parts[2]}' is not a resource type.");
        return new IncludeSpec(parts[0], parts[1], parts.Length == 3 ? parts[2] : null, iterate);
    }

    private static int ParseInt(string name, string value)
        => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
            : throw FhirException.BadRequest($"'{value}' is not a valid integer for '{name}'.");
}
