namespace FhirTrial.Fhir.Indexing;

/// <summary>One extracted search value; stores save these rows as they are, so every store indexes alike.</summary>
/// <remarks><c>Group</c> ties the components of one composite value together (0 for plain parameters).</remarks>
public abstract record IndexEntry(string Param, int Group);

public sealed record StringIndex(string Param, int Group, string Normalized, string Exact) : IndexEntry(Param, Group);

public sealed record TokenIndex(string Param, int Group, string? System, string? Code, string? Text) : IndexEntry(Param, Group);

/// <summary>A date as the instants its precision spans, in UTC ticks, both ends inclusive.</summary>
public sealed record DateIndex(string Param, int Group, long Low, long High) : IndexEntry(Param, Group);

public sealed record NumberIndex(string Param, int Group, decimal Value) : IndexEntry(Param, Group);

/// <summary>A quantity as written and, when UCUM can convert it, in canonical units.</summary>
public sealed record QuantityIndex(string Param, int Group, string? System, string? Code, decimal Value,
    string? CanonicalCode, decimal? CanonicalValue) : IndexEntry(Param, Group);

public sealed record UriIndex(string Param, int Group, string Uri) : IndexEntry(Param, Group);

/// <summary>A reference: local target (type, id), an absolute URL, or a logical identifier.</summary>
public sealed record ReferenceIndex(string Param, int Group, string? TargetType, string? TargetId, string? Url,
    string? IdentifierSystem, string? IdentifierValue) : IndexEntry(Param, Group);
