using Hl7.Fhir.Rest;

namespace FhirTrial.Fhir.Search;

/// <summary>A parsed search: the store's query plus what shapes the result Bundle (includes, summary, elements).</summary>
public sealed record SearchRequest(
    SearchQuery Query,
    IReadOnlyList<IncludeSpec> Includes,
    IReadOnlyList<IncludeSpec> RevIncludes,
    SummaryType Summary,
    IReadOnlyList<string> Elements,
    IReadOnlyList<string> IgnoredParameters,
    IReadOnlyList<KeyValuePair<string, string>> EchoParameters);

/// <summary><c>_include=Source:param[:Target]</c> (or <c>_revinclude</c>), optionally <c>:iterate</c>.</summary>
public sealed record IncludeSpec(string SourceType, string Param, string? TargetType, bool Iterate);
