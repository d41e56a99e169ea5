using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Search;

/// <summary>A search resolved against the registry: what the store compiles to SQL. Criteria are ANDed.</summary>
public sealed record SearchQuery(
    string? ResourceType,
    IReadOnlyList<SearchCriterion> Criteria,
    IReadOnlyList<SortKey> Sort,
    int Count,
    int Offset,
    bool CountTotal)
{
    public static SearchQuery ForType(string type, params SearchCriterion[] criteria)
        => new(type, criteria, [], 100, 0, false);
}

public enum SearchPrefix { Eq, Ne, Gt, Lt, Ge, Le, Sa, Eb, Ap }

public enum SearchModifier { None, Exact, Contains, Text, Not, Above, Below, Identifier, Type }

public sealed record SortKey(string Param, SearchParamType Type, bool Descending);

/// <summary>One condition on a resource.</summary>
public abstract record SearchCriterion;

/// <summary><c>param[:modifier]=v1,v2</c>: any of the values matches (OR).</summary>
public sealed record ValueCriterion(string Param, SearchParamType Type, SearchModifier Modifier, IReadOnlyList<SearchValue> AnyOf)
    : SearchCriterion
{
    /// <summary>True when no other resource type stores index rows under this parameter's name (R4's <c>value-quantity</c>
    /// is Observation's alone), so a row that matches is a match of the searched type and needs no type check.</summary>
    public bool RowsOnlyOfItsType { get; init; }
}

/// <summary><c>param:missing=true|false</c>.</summary>
public sealed record MissingCriterion(string Param, SearchParamType Type, bool Missing) : SearchCriterion;

/// <summary><c>ref.chained=...</c>: the reference points at a resource of one of the types for which the inner criterion holds.</summary>
public sealed record ChainCriterion(string Param, IReadOnlyList<string> TargetTypes, SearchCriterion Inner) : SearchCriterion;

/// <summary><c>_has:Source:param:...</c>: some Source resource points here through param and satisfies the inner criterion.</summary>
public sealed record HasCriterion(string SourceType, string Param, SearchCriterion Inner) : SearchCriterion;

public abstract record SearchValue;

/// <summary>A token: <c>code</c> (any system), <c>system|code</c>, <c>|code</c> (no system), <c>system|</c> (any code).</summary>
public sealed record TokenValue(string? System, string? Code, bool SystemGiven) : SearchValue;

public sealed record StringValue(string Normalized, string Raw) : SearchValue;

public sealed record DateValue(SearchPrefix Prefix, DateRange Range) : SearchValue;

/// <summary>A number with the range its written precision implies (100 means 99.5 to 100.5).</summary>
public sealed record NumberValue(SearchPrefix Prefix, decimal Value, decimal Low, decimal High) : SearchValue;

public sealed record QuantityValue(SearchPrefix Prefix, decimal Value, decimal Low, decimal High, string? System, string? Code) : SearchValue;

/// <summary>A reference: <c>Type/id</c>, a bare id (any type), an absolute URL, or with <c>:identifier</c> a token.</summary>
public sealed record ReferenceValue(string? Type, string? Id, string? Url, TokenValue? Identifier = null) : SearchValue;

public sealed record UriValue(string Uri) : SearchValue;

/// <summary>A composite value: one value per component, matched within the same element.</summary>
public sealed record CompositeValue(IReadOnlyList<CompositePart> Parts) : SearchValue;

public sealed record CompositePart(string IndexParam, SearchParamType Type, SearchValue Value);

/// <summary>The resource points at the given resource through any reference (a compartment membership).</summary>
public sealed record CompartmentCriterion(string TargetType, string TargetId) : SearchCriterion;

/// <summary>
/// The resource references one of a set of targets of one type under a reference parameter (<c>subject</c> of an
/// Observation in a study's Patients): the store answers it with one index lookup over the set, however large.
/// </summary>
public sealed record ReferenceSetCriterion(string Param, string TargetType, IReadOnlyList<string> TargetIds) : SearchCriterion
{
    public override string ToString() => $"ReferenceSetCriterion({Param}:{TargetType}, {TargetIds.Count} ids)";
}

/// <summary>Access scoping: the resource belongs to the site's patients (or is shared study data); see <c>Security.SiteScope</c>.</summary>
public sealed record SiteCriterion(string OrganizationId) : SearchCriterion;

/// <summary>Access scoping: a Subscription only when the server stamped this client as its owner; other types pass.</summary>
public sealed record SubscriptionOwnerCriterion(string ClientId) : SearchCriterion;

/// <summary>Access scoping: the resource is of one of the types (or, with <see cref="Exclude"/>, of none of them).</summary>
public sealed record TypeCriterion(IReadOnlyList<string> Types, bool Exclude = false) : SearchCriterion
{
    public override string ToString() => $"TypeCriterion({(Exclude ? "not " : "")}{string.Join(",", Types)})";
}

/// <summary>The resource has one of these ids (with the query's type, a set of exact resources).</summary>
public sealed record IdCriterion(IReadOnlyList<string> Ids) : SearchCriterion
{
    public override string ToString() => $"IdCriterion({string.Join(",", Ids)})";
}

/// <summary>Every inner criterion holds (used to scope the inner side of chains and <c>_has</c>).</summary>
public sealed record AllCriterion(IReadOnlyList<SearchCriterion> Criteria) : SearchCriterion
{
    public override string ToString() => $"AllCriterion({string.Join(" & ", Criteria)})";
}
