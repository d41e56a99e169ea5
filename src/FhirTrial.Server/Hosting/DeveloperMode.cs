using System.Net;

namespace FhirTrial.Server.Hosting;

/// <summary>Without Auth settings the server is for one developer's machine: anonymous, loopback only, and it says so.</summary>
public static class DeveloperMode
{
    public static void Enforce(WebApplication app)
    {
        if (app.Configuration.GetSection("Auth").Exists()) return;
        var urls = app.Configuration["urls"] ?? "http://127.0.0.1:8080";
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var host = new Uri(url.Replace("*", "0.0.0.0").Replace("+", "0.0.0.0")).Host;
            var loopback = host == "localhost" || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
            if (!loopback)
                throw new InvalidOperationException($"Refusing to listen on {url} without Auth settings: anonymous access is for loopback addresses only.");
        }
        app.Logger.LogWarning("No Auth settings: accepting anonymous requests, bound to loopback only ({Urls}). Configure Auth:* before exposing this server.", urls);
    }
}
