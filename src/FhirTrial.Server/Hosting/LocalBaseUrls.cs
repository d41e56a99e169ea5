using FhirTrial.Fhir.Indexing;

namespace FhirTrial.Server.Hosting;

/// <summary>Registers the server's own FHIR base URLs so absolute references to this server index as local ones.</summary>
/// <remarks>Taken from configuration (listening URLs and <c>Fhir:PublicBaseUrl</c>), never from request Host headers,
/// which a client controls.</remarks>
public static class LocalBaseUrls
{
    public static void Register(IConfiguration configuration)
    {
        foreach (var root in ListeningRoots(configuration)) LocalBase.Register(root + "/fhir");
        if (configuration["Fhir:PublicBaseUrl"] is { Length: > 0 } publicBase) LocalBase.Register(publicBase);
    }

    /// <summary>The listening URLs (<c>urls</c>) as <c>scheme://host:port</c>, a loopback one also as localhost.</summary>
    public static IEnumerable<string> ListeningRoots(IConfiguration configuration)
    {
        var urls = (configuration["urls"] ?? "http://127.0.0.1:8080").Split(';', StringSplitOptions.RemoveEmptyEntries);
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url.Replace("*", "localhost").Replace("+", "localhost"), UriKind.Absolute, out var uri)) continue;
            yield return $"{uri.Scheme}://{uri.Authority}";
            if (uri.IsLoopback) yield return $"{uri.Scheme}://localhost" + (uri.IsDefaultPort ? "" : $":{uri.Port}");
        }
    }

    /// <summary>The server's root as clients see it: <c>Fhir:PublicBaseUrl</c> without its trailing <c>/fhir</c>; null when unset.</summary>
    public static string? PublicRoot(IConfiguration configuration)
    {
        if (configuration["Fhir:PublicBaseUrl"] is not { Length: > 0 } publicBase) return null;
        var root = publicBase.TrimEnd('/');
        return root.EndsWith("/fhir", StringComparison.OrdinalIgnoreCase) ? root[..^"/fhir".Length] : root;
    }
}
