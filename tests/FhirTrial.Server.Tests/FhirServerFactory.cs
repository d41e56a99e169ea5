using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using FhirTrial.Tests.Shared;
using Microsoft.Extensions.Hosting;

namespace FhirTrial.Server.Tests;

/// <summary>The real ASP.NET pipeline over a private SQLite file, removed when the tests are done.</summary>
public sealed class FhirServerFactory : WebApplicationFactory<Program>
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fhirtrial-http-").FullName;

    public Dictionary<string, string?> Settings { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:Provider", "sqlite");
        builder.UseSetting("Storage:ConnectionString", $"Data Source={Path.Combine(_folder, "fhir.db")}");
        builder.UseSetting("Limits:MaxRequestBytes", (4 * 1024 * 1024).ToString());
        // Subscriptions: quick rounds and retries, and one allowed prefix besides loopback (nothing is ever sent to it).
        builder.UseSetting("Subscriptions:PollSeconds", "0.1");
        builder.UseSetting("Subscriptions:RetrySeconds", "0.3");
        builder.UseSetting("Subscriptions:MaxAttempts", "3");
        builder.UseSetting("Subscriptions:AllowedEndpoints:0", "https://sponsor.example.org/hooks/");
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
    }

    protected override IHost CreateHost(IHostBuilder builder) => base.CreateHost(builder).WhenReady();

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Small helpers so tests read as HTTP conversations.</summary>
public static class Http
{
    public const string FhirJson = "application/fhir+json";

    public static StringContent Json(string json, string mediaType = FhirJson)
        => new(json, Encoding.UTF8, mediaType);

    public static StringContent Json(JsonNode json) => Json(json.ToJsonString());

    public static async Task<JsonObject> BodyAsync(this HttpResponseMessage response)
        => (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    public static HttpRequestMessage With(this HttpRequestMessage request, string header, string value)
    {
        request.Headers.TryAddWithoutValidation(header, value);
        return request;
    }

    public static HttpRequestMessage Request(HttpMethod method, string url, HttpContent? content = null)
        => new(method, url) { Content = content };

    public static MediaTypeHeaderValue FhirJsonType => new(FhirJson);
}

/// <summary>One server for all HTTP test classes: starting one warms the validator, which is worth doing once.</summary>
[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<FhirServerFactory>
{
    public const string Name = "server";
}
