using System.Net;
using FhirTrial.Fhir.Errors;
using FhirTrial.Server.Http;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace FhirTrial.Server.Hosting;

/// <summary>
/// Without Auth settings the server is for one developer's machine: anonymous, loopback only, and it says so. Loopback is
/// checked three times: the configured addresses before start (<c>urls</c>, <c>Kestrel:Endpoints</c>, <c>HTTP_PORTS</c>),
/// the addresses actually bound once started (the server stops otherwise), and each request's local address. Host headers
/// are filtered too, so a web page elsewhere cannot reach the anonymous server through DNS rebinding.
/// </summary>
public static class DeveloperMode
{
    private static readonly string[] LoopbackHosts = ["localhost", "127.0.0.1", "[::1]", "::1"];

    public static bool IsOn(IConfiguration configuration) => !configuration.GetSection("Auth").Exists();

    public static void Enforce(WebApplication app)
    {
        if (!IsOn(app.Configuration)) return;
        var configured = ConfiguredUrls(app.Configuration).ToList();
        foreach (var url in configured)
            if (!IsLoopbackUrl(url))
                throw new InvalidOperationException($"Refusing to listen on {url} without Auth settings: anonymous access is for loopback addresses only.");
        foreach (var key in new[] { "http_ports", "https_ports" })
            if (app.Configuration[key] is { Length: > 0 } ports)
                throw new InvalidOperationException($"Refusing {key.ToUpperInvariant()}={ports} without Auth settings: it binds every interface; give --urls http://127.0.0.1:PORT.");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var open = bound.Where(a => !IsLoopbackUrl(a)).ToList();
            if (open.Count > 0)
            {
                app.Logger.LogCritical("Bound to {Addresses} without Auth settings: anonymous access is for loopback only. Stopping.", string.Join(", ", open));
                app.Lifetime.StopApplication();
                return;
            }
            app.Logger.LogWarning("No Auth settings: accepting anonymous requests, bound to loopback only ({Urls}). Configure Auth:* before exposing this server.",
                string.Join(", ", bound));
        });
    }

    /// <summary>In developer mode: a request that arrived on a non-loopback address, names a Host that is not this
    /// machine's loopback, or came through a proxy (which would make remote callers anonymous admins), is refused
    /// before anything else runs.</summary>
    public static WebApplication UseDeveloperModeGuards(this WebApplication app)
    {
        if (!IsOn(app.Configuration)) return app;
        var allowedHosts = new HashSet<string>(LoopbackHosts, StringComparer.OrdinalIgnoreCase);
        app.Use(async (http, next) =>
        {
            var local = http.Connection.LocalIpAddress;
            if (local is not null && !IPAddress.IsLoopback(local))
                throw FhirException.Of(HttpStatusCode.Forbidden, OperationOutcome.IssueType.Security,
                    "This server runs without Auth settings and answers on loopback addresses only.");
            if (http.Request.Headers.ContainsKey("Forwarded") || http.Request.Headers.ContainsKey("X-Forwarded-For"))
                throw FhirException.Of(HttpStatusCode.Forbidden, OperationOutcome.IssueType.Security,
                    "This server runs without Auth settings and does not answer through a proxy.");
            var host = http.Request.Host.Host;
            if (!allowedHosts.Contains(host))
                throw FhirException.BadRequest("This server runs without Auth settings and answers only requests addressed to localhost.");
            await next(http);
        });
        return app;
    }

    private static IEnumerable<string> ConfiguredUrls(IConfiguration configuration)
    {
        foreach (var url in (configuration["urls"] ?? "http://127.0.0.1:8080").Split(';', StringSplitOptions.RemoveEmptyEntries))
            yield return url;
        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
            if (endpoint["Url"] is { Length: > 0 } url)
                yield return url;
    }

    private static bool IsLoopbackUrl(string url)
    {
        var normalized = url.Replace("*", "0.0.0.0").Replace("+", "0.0.0.0");
        if (!Uri.TryCreate(normalized, UriKind.Absolute, out var uri)) return false;
        var host = uri.Host;
        return host == "localhost" || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }
}
