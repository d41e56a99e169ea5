using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Indexing;

/// <summary>Splits a reference string into a local (type, id) when it names a known resource type, else keeps it as a URL.</summary>
public static class ReferenceParser
{
    public readonly record struct Parsed(string? Type, string? Id, string? Url);

    /// <remarks>Runs for every reference of every resource written (a Provenance has one per Bundle entry): it slices the
    /// string rather than splitting it.</remarks>
    public static Parsed Parse(string reference)
    {
        var text = reference.AsSpan();
        if (text.IndexOf('|') is var bar and >= 0) text = text[..bar];
        if (text.IndexOf("/_history/", StringComparison.Ordinal) is var historyAt and >= 0) text = text[..historyAt];
        var lastSlash = text.LastIndexOf('/');
        if (lastSlash > 0)
        {
            var typeStart = text[..lastSlash].LastIndexOf('/') + 1;
            var type = text[typeStart..lastSlash].ToString();
            if (ModelInfo.IsKnownResource(type))
            {
                var whole = text.Length == reference.Length ? reference : text.ToString();
                var id = text[(lastSlash + 1)..].ToString();
                var isLocal = typeStart == 0 || LocalBase.IsLocal(whole);
                // A resource on another server is not ours: it is only ever that URL, never a local id of the same name.
                return isLocal ? new Parsed(type, id, null) : new Parsed(type, null, whole);
            }
        }
        return new Parsed(null, null, text.Length == reference.Length ? reference : text.ToString());
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
