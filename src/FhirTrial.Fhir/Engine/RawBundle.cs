using System.Text;
using System.Text.Json;
using FhirTrial.Fhir.Serialization;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Engine;

/// <summary>A Bundle whose entries carry stored JSON as it is, so search results are written without re-parsing.</summary>
public sealed record RawBundle(
    Bundle.BundleType Type,
    int? Total,
    IReadOnlyList<(string Relation, string Url)> Links,
    IReadOnlyList<RawEntry> Entries)
{
    public string Id { get; init; } = Guid.NewGuid().ToString();
    public DateTimeOffset Timestamp { get; init; } = DateTimeOffset.UtcNow;

    public void WriteJson(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("resourceType", "Bundle");
        w.WriteString("id", Id);
        w.WriteStartObject("meta");
        w.WriteString("lastUpdated", Timestamp.ToString("yyyy-MM-ddTHH:mm:ss.fffzzz"));
        w.WriteEndObject();
        w.WriteString("type", Hl7.Fhir.Utility.EnumUtility.GetLiteral(Type));
        w.WriteString("timestamp", Timestamp.ToString("yyyy-MM-ddTHH:mm:ss.fffzzz"));
        if (Total is int total) w.WriteNumber("total", total);
        if (Links.Count > 0)
        {
            w.WriteStartArray("link");
            foreach (var (relation, url) in Links)
            {
                w.WriteStartObject();
                w.WriteString("relation", relation);
                w.WriteString("url", url);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (Entries.Count > 0)
        {
            w.WriteStartArray("entry");
            foreach (var entry in Entries) entry.WriteJson(w);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public byte[] ToJsonBytes()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions)) WriteJson(writer);
        return stream.ToArray();
    }

    /// <summary>The same Bundle as a POCO, for XML clients and in-process callers.</summary>
    public Bundle ToPoco() => (Bundle)FhirSerializer.ParseJson(ToJsonBytes());
}

/// <summary>One Bundle entry; <see cref="ResourceJson"/> is raw FHIR JSON or null.</summary>
public sealed record RawEntry(string? FullUrl, string? ResourceJson, string? SearchMode = null,
    RawRequest? Request = null, RawResponse? Response = null)
{
    public void WriteJson(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        if (FullUrl is not null) w.WriteString("fullUrl", FullUrl);
        if (ResourceJson is not null)
        {
            w.WritePropertyName("resource");
            w.WriteRawValue(ResourceJson, skipInputValidation: true);
        }
        if (SearchMode is not null)
        {
            w.WriteStartObject("search");
            w.WriteString("mode", SearchMode);
            w.WriteEndObject();
        }
        if (Request is not null)
        {
            w.WriteStartObject("request");
            w.WriteString("method", Request.Method);
            w.WriteString("url", Request.Url);
            w.WriteEndObject();
        }
        if (Response is not null)
        {
            w.WriteStartObject("response");
            w.WriteString("status", Response.Status);
            if (Response.Location is not null) w.WriteString("location", Response.Location);
            if (Response.Etag is not null) w.WriteString("etag", Response.Etag);
            if (Response.LastModified is { } lm) w.WriteString("lastModified", lm.ToString("yyyy-MM-ddTHH:mm:ss.fffzzz"));
            if (Response.OutcomeJson is not null)
            {
                w.WritePropertyName("outcome");
                w.WriteRawValue(Response.OutcomeJson, skipInputValidation: true);
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }
}

public sealed record RawRequest(string Method, string Url);

public sealed record RawResponse(string Status, string? Location = null, string? Etag = null,
    DateTimeOffset? LastModified = null, string? OutcomeJson = null);

/// <summary>Formats shared by the engine and the web layer.</summary>
public static class FhirText
{
    public static string ETag(int version) => $"W/\"{version}\"";
    public static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
