using FhirTrial.Fhir.Indexing;

namespace FhirTrial.Fhir.Storage;

/// <summary>A new version to store: the store checks that <see cref="Version"/> is exactly one past what it holds.</summary>
public sealed record ResourceWrite(string Type, string Id, int Version, DateTimeOffset LastUpdated, bool Deleted,
    string Json, IReadOnlyList<IndexEntry> Index, string Method);
