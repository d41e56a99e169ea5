using FhirTrial.Fhir.Indexing;

namespace FhirTrial.Server.Hosting;

/// <summary>Registers the server's own FHIR base URLs so absolute references to this server index as local ones.</summary>
/// <remarks>Taken from configuration (listening URLs and <c>Fhir:PublicBaseUrl</c>), never from request Host headers,
/// which a client controls.</remarks>
public static class LocalBaseUrls
{
    public static void Register(IConfiguration configuration)
    {
        var urls = (configuration["urls"] ?? "http://127.0.0.1:8080").Split(';', StringSplitOptions.RemoveEmptyEntries);
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url.Replace("*", "localhost").Replace("+", "localhost"), UriKind.Absolute, out var uri)) continue;
            LocalBase.Register($"{uri.Scheme}://{uri.Authority}/fhir");
            if (uri.IsLoopback) LocalBase.Register($"{uri.Scheme}://localhost:{uri.Port}/fhir");
        }
        if (configuration["Fhir:PublicBaseUrl"] is { Length: > 0 } publicBase) LocalBase.Register(publicBase);
    }
}
