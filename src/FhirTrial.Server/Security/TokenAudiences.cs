using FhirTrial.Server.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace FhirTrial.Server.Security;

/// <summary>
/// Where this server's token endpoint is, from configuration alone: the <c>aud</c> a client assertion must name.
/// <c>Auth:TokenEndpoint</c> when set; <c>Fhir:PublicBaseUrl</c>'s root + <c>/auth/token</c> when set, else every
/// listening URL's (configured and bound). Never the request's Host header: a client chooses it, so comparing with it
/// accepted assertions made for another server.
/// </summary>
public sealed class TokenAudiences(IConfiguration configuration, IServer server)
{
    public IReadOnlyList<string> TokenEndpoints
    {
        get
        {
            IEnumerable<string> roots = LocalBaseUrls.PublicRoot(configuration) is { } publicRoot
                ? [publicRoot]
                : LocalBaseUrls.ListeningRoots(configuration).Concat(BoundRoots());
            var endpoints = roots.Select(root => root.TrimEnd('/') + TokenEndpoint.Path).ToList();
            if (configuration["Auth:TokenEndpoint"] is { Length: > 0 } configured) endpoints.Add(configured);
            return endpoints.Distinct(StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>The addresses the server actually bound (Kestrel endpoints, port 0), once started.</summary>
    private IEnumerable<string> BoundRoots()
        => server.Features.Get<IServerAddressesFeature>()?.Addresses
            .Select(a => Uri.TryCreate(a, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority}" : null)
            .OfType<string>() ?? [];
}
