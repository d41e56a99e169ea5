using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Indexing;

/// <summary>Splits a reference string into a local (type, id) when it names a known resource type, else keeps it as a URL.</summary>
public static class ReferenceParser
{
    public readonly record struct Parsed(string? Type, string? Id, string? Url);

    public static Parsed Parse(string reference)
    {
        var text = reference.Split('|')[0];
        var historyAt = text.IndexOf("/_history/", StringComparison.Ordinal);
        if (historyAt >= 0) text = text[..historyAt];
        var parts = text.Split('/');
        if (parts.Length >= 2 && ModelInfo.IsKnownResource(parts[^2]))
        {
            var isLocal = parts.Length == 2 || LocalBase.IsLocal(text);
            // A resource on another server is not ours: it is only ever that URL, never a local id of the same name.
            return isLocal ? new Parsed(parts[^2], parts[^1], null) : new Parsed(parts[^2], null, text);
        }
        return new Parsed(null, null, text);
    }
}

/// <summary>The server's own base URL, so absolute references to ourselves count as local.</summary>
public static class LocalBase
{
    private static volatile string[] _bases = [];

    public static void Register(string baseUrl)
    {
        var trimmed = baseUrl.TrimEnd('/');
        if (!_bases.Contains(trimmed)) _bases = [.. _bases, trimmed];
    }

    public static bool IsLocal(string url) => _bases.Any(b => url.StartsWith(b + "/", StringComparison.OrdinalIgnoreCase));
}
