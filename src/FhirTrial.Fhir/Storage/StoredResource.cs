namespace FhirTrial.Fhir.Storage;

/// <summary>A resource version as stored: the JSON is served as it is, never re-parsed to be returned.</summary>
public sealed record StoredResource(long Key, string Type, string Id, int Version, DateTimeOffset LastUpdated,
    bool Deleted, string Json, string Method = "PUT")
{
    public string Reference => $"{Type}/{Id}";
}
