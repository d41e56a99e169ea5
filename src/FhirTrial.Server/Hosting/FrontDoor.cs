using System.Net;
using FhirTrial.Fhir.Conformance;
using FhirTrial.Server.Dashboard;

namespace FhirTrial.Server.Hosting;

/// <summary>
/// <c>GET /</c>: what this server is and where to go from here (the dashboard, the API reference, the
/// CapabilityStatement, readiness), its resource types, and upload. The page the server sends names no data: counts
/// and uploads are made by the page's script through the FHIR API, with the user's token, under the same
/// authorization as any client (js/front-door.js). Texts are in English here and in the chosen language once the
/// script has run (js/i18n).
/// </summary>
public static class FrontDoor
{
    /// <summary>Same-origin scripts and calls only, nothing framed from elsewhere, no inline script.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    public static IEndpointRouteBuilder MapFrontDoor(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext http, CapabilityStatementProvider capabilities) =>
        {
            var statement = capabilities.Get("/fhir");
            var types = statement.Rest.SelectMany(r => r.Resource).Select(r => r.Type?.ToString()).OfType<string>().Order(StringComparer.Ordinal);
            var items = string.Join("", types.Select(t =>
            {
                var type = WebUtility.HtmlEncode(t);
                return $"<li data-type=\"{type}\"><a href=\"/fhir/{type}\">{type}</a></li>";
            }));
            SecureHtml(http);
            return Results.Content($$"""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>FhirTrial</title><link rel="icon" href="data:,">
                <link rel="stylesheet" href="/dashboard/dashboard.css">
                <script type="module" src="/dashboard/js/front-door.js"></script></head>
                <body data-state="loading">
                <main class="front">
                <p class="eyebrow"><label><span data-i18n="app.language">Language</span> <select id="language"><option value="en">English</option><option value="zh-CN">简体中文</option></select></label></p>
                <h1 data-i18n="front.title">FhirTrial</h1>
                <p><span data-i18n="front.lead">A FHIR R4 server for the AK104 (cadonilimab) plus lenvatinib phase II trial in clear cell renal cell carcinoma.</span>
                FHIR base: <code>/fhir</code> ({{WebUtility.HtmlEncode(statement.Software?.Version ?? "")}}).</p>
                <ul>
                <li><a href="/dashboard/" data-i18n="front.dashboard">Study dashboard</a>: <span data-i18n="front.dashboardNote">efficacy, enrollment, waterfall, swimmer, Kaplan-Meier, safety, deviations, quality of life</span></li>
                <li><a href="/docs" data-i18n="front.docs">API reference</a> (<span data-i18n="front.docsNote">OpenAPI, every interaction and trial operation</span>)</li>
                <li><a href="/fhir/metadata" data-i18n="front.metadata">CapabilityStatement</a> (<code>/fhir/metadata</code>)</li>
                <li><a href="/health/ready" data-i18n="front.ready">Readiness</a></li>
                </ul>
                <h2 data-i18n="front.upload">Upload</h2>
                <p class="muted small" data-i18n="front.uploadNote">A transaction or batch Bundle (.json) or an ndjson file (one resource a line, sent as a batch).</p>
                <form id="upload-form" class="controls"><input type="file" id="upload-file" accept=".json,.ndjson,application/json,application/fhir+json">
                <button type="submit" id="upload-button" data-i18n="front.uploadButton">Upload</button></form>
                <div id="upload-result" class="upload-result" aria-live="polite"></div>
                <h2 data-i18n="front.types">Resource types</h2>
                <p class="muted small" data-i18n="front.typesNote">Counts of the types the trial uses; every other type is listed below them.</p>
                <div id="counts"></div>
                <h3 data-i18n="front.otherTypes">Other resource types</h3>
                <ul class="types">{{items}}</ul>
                </main>
                </body></html>
                """, "text/html; charset=utf-8");
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// A browser asking for a FHIR URL (<c>GET /fhir/...</c> with <c>Accept: text/html</c>, no <c>_format</c>) gets the
    /// HTML view's page (browse.html beside the dashboard), which holds no data: its script reads the same URL as FHIR
    /// JSON, so the FHIR endpoint's authorization decides what it shows, and an anonymous browser sees only a sign-in
    /// box when Auth is on. Runs before authorization for that reason; any other request passes through.
    /// </summary>
    public static WebApplication UseFhirHtmlView(this WebApplication app)
    {
        var root = DashboardEndpoints.ContentRoot(app.Configuration);
        var page = root is null ? null : Path.Combine(root, "browse.html");
        if (page is null || !File.Exists(page)) return app;
        app.Use(async (http, next) =>
        {
            if (WantsHtml(http.Request))
            {
                SecureHtml(http);
                http.Response.Headers.CacheControl = "no-cache";
                http.Response.Headers.Vary = "Accept";
                http.Response.ContentType = "text/html; charset=utf-8";
                await http.Response.SendFileAsync(page, http.RequestAborted);
                return;
            }
            await next(http);
        });
        return app;
    }

    /// <summary>A GET for a FHIR URL whose Accept puts text/html first (as browsers send it), without an explicit <c>_format</c>.</summary>
    public static bool WantsHtml(HttpRequest request)
    {
        if (!HttpMethods.IsGet(request.Method) || !request.Path.StartsWithSegments("/fhir") || request.Query.ContainsKey("_format")) return false;
        var accept = request.Headers.Accept.ToString();
        var html = accept.IndexOf("text/html", StringComparison.OrdinalIgnoreCase);
        if (html < 0) return false;
        var fhir = accept.IndexOf("application/fhir+json", StringComparison.OrdinalIgnoreCase);
        var json = accept.IndexOf("application/json", StringComparison.OrdinalIgnoreCase);
        return (fhir < 0 || html < fhir) && (json < 0 || html < json);
    }

    private static void SecureHtml(HttpContext http)
    {
        http.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        http.Response.Headers.XContentTypeOptions = "nosniff";
    }
}
