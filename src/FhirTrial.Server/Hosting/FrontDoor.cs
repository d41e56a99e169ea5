using System.Net;
using FhirTrial.Fhir.Conformance;

namespace FhirTrial.Server.Hosting;

/// <summary><c>GET /</c>: what this server is and where to go from here (the dashboard, the API reference, the
/// CapabilityStatement, readiness). A public page: it names no data, only the server and its routes.</summary>
public static class FrontDoor
{
    public static IEndpointRouteBuilder MapFrontDoor(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext http, CapabilityStatementProvider capabilities) =>
        {
            var statement = capabilities.Get("/fhir");
            var types = statement.Rest.SelectMany(r => r.Resource).Select(r => r.Type?.ToString()).OfType<string>().Order(StringComparer.Ordinal);
            var items = string.Join("", types.Select(t => $"<li><a href=\"/fhir/{WebUtility.HtmlEncode(t)}\">{WebUtility.HtmlEncode(t)}</a></li>"));
            http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
            http.Response.Headers.XContentTypeOptions = "nosniff";
            return Results.Content($$"""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>FhirTrial</title>
                <style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
                ul.types{columns:4;font-size:.9rem}</style></head>
                <body>
                <h1>FhirTrial</h1>
                <p>A FHIR R4 server for the AK104 (cadonilimab) plus lenvatinib phase II trial in clear cell renal cell carcinoma.
                FHIR base: <code>/fhir</code> ({{WebUtility.HtmlEncode(statement.Software?.Version ?? "")}}).</p>
                <ul>
                <li><a href="/dashboard/">Study dashboard</a>: efficacy, enrollment, waterfall, swimmer, Kaplan-Meier, safety</li>
                <li><a href="/docs">API reference</a> (OpenAPI), every interaction and trial operation</li>
                <li><a href="/fhir/metadata">CapabilityStatement</a> (<code>/fhir/metadata</code>)</li>
                <li><a href="/health/ready">Readiness</a></li>
                </ul>
                <h2>Resource types</h2>
                <ul class="types">{{items}}</ul>
                </body></html>
                """, "text/html; charset=utf-8");
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
