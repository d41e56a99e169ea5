using FhirTrial.Fhir.Package;
using Microsoft.Extensions.FileProviders;

namespace FhirTrial.Server.Dashboard;

/// <summary>
/// The study dashboard: static files under <c>/dashboard</c> (HTML, CSS, ES modules, and the Vega/Vega-Lite builds the
/// server's build copies into <c>vendor/</c>) that read only the FHIR API and the trial operations from the browser,
/// with the user's bearer token when there is one.
/// </summary>
public static class DashboardEndpoints
{
    public const string Path = "/dashboard";

    /// <summary>
    /// <c>Dashboard:ContentPath</c> when set; else the files as copied beside the binary (see the server's csproj);
    /// else the source folder above it (a test host's output folder).
    /// </summary>
    public static string? ContentRoot(IConfiguration configuration)
    {
        if (configuration["Dashboard:ContentPath"] is { } configured) return configured;
        var beside = System.IO.Path.Combine(AppContext.BaseDirectory, "Dashboard", "wwwroot");
        return Directory.Exists(beside)
            ? beside
            : ProjectFolders.Find(System.IO.Path.Combine("src", "FhirTrial.Server", "Dashboard", "wwwroot"));
    }

    public static WebApplication MapDashboard(this WebApplication app)
    {
        var root = ContentRoot(app.Configuration);
        if (root is null || !File.Exists(System.IO.Path.Combine(root, "index.html")))
        {
            app.Logger.LogWarning("The dashboard's files were not found ({Root}); {Path} is not served.", root, Path);
            return app;
        }
        var files = new PhysicalFileProvider(root);

        app.UseWhen(http => http.Request.Path.StartsWithSegments(Path), branch =>
        {
            branch.Use(async (http, next) =>
            {
                // "/dashboard" -> "/dashboard/" so that the page's relative module URLs resolve under it.
                if (string.Equals(http.Request.Path.Value, Path, StringComparison.OrdinalIgnoreCase))
                {
                    http.Response.Redirect(Path + "/" + http.Request.QueryString);
                    return;
                }

                // Same-origin only: scripts, styles and data come from this server; SVG downloads are blob: URLs.
                // No 'unsafe-eval': Vega evaluates its expressions with vega-interpreter (js/charts.js).
                var headers = http.Response.Headers;
                headers.ContentSecurityPolicy =
                    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'";
                headers.XContentTypeOptions = "nosniff";
                headers.CacheControl = "no-cache";
                await next(http);
            });
            branch.UseDefaultFiles(new DefaultFilesOptions { RequestPath = Path, FileProvider = files });
            branch.UseStaticFiles(new StaticFileOptions { RequestPath = Path, FileProvider = files });
        });
        return app;
    }
}
