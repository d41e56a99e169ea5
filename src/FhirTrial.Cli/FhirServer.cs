using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace FhirTrial.Cli;

/// <summary>A FHIR server as the commands talk to it: its base URL and an HttpClient; connection faults become <see cref="ServerUnreachableException"/>.</summary>
public sealed class FhirServer(HttpClient http, string baseUrl)
{
    public const string FhirJson = "application/fhir+json";

    public HttpClient Http => http;

    /// <summary>The FHIR base without a trailing slash, e.g. <c>http://127.0.0.1:8080/fhir</c>.</summary>
    public string BaseUrl { get; } = baseUrl.TrimEnd('/');

    /// <summary>Reads <c>--server</c>: the FHIR base, or the server's root (then <c>/fhir</c> is added).</summary>
    public static string NormalizeBase(string server)
    {
        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new UsageException($"--server must be an http(s) URL, not '{server}'.");
        var text = server.TrimEnd('/');
        return uri.AbsolutePath is "/" or "" ? text + "/fhir" : text;
    }

    public string Url(string relative) => relative.StartsWith("http", StringComparison.OrdinalIgnoreCase) ? relative : $"{BaseUrl}/{relative.TrimStart('/')}";

    /// <summary>Fails with exit code 3 unless <c>GET metadata</c> answers.</summary>
    public async Task EnsureReachableAsync(CancellationToken ct)
    {
        var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, Url("metadata")), ct);
        if (!response.IsSuccessStatusCode)
            throw new ServerUnreachableException($"{BaseUrl}/metadata answered {(int)response.StatusCode} {response.ReasonPhrase}; is this a FHIR server?");
    }

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (request.Headers.Accept.Count == 0) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(FhirJson));
        try
        {
            return await http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            throw new ServerUnreachableException($"Cannot reach {BaseUrl}: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new ServerUnreachableException($"{BaseUrl} did not answer in time.", e);
        }
    }

    public Task<HttpResponseMessage> PostJsonAsync(string relative, string json, CancellationToken ct)
        => SendAsync(new HttpRequestMessage(HttpMethod.Post, Url(relative)) { Content = new StringContent(json, Encoding.UTF8, FhirJson) }, ct);

    /// <summary>The diagnostics of an OperationOutcome body (or the status line when there is none).</summary>
    public static string Diagnostics(HttpStatusCode status, string body)
        => OutcomeText(TryParse(body)) ?? $"{(int)status} {status}";

    /// <summary>Each issue's message (see <see cref="IssueText"/>) with its FHIRPath location: "Value '7' is larger than 5 (at AdverseEvent.extension[0].value)".</summary>
    public static string? OutcomeText(JsonNode? outcome)
    {
        if (outcome?["resourceType"]?.GetValue<string>() != "OperationOutcome") return null;
        var all = outcome["issue"]?.AsArray() ?? [];
        var errors = all.Where(i => (string?)i?["severity"] is "error" or "fatal").ToList();
        var issues = (errors.Count > 0 ? errors : all.ToList())
            .Select(i => IssueText.Of(i).Message + (i?["expression"] is JsonArray e && e.Count > 0 ? $" (at {string.Join(", ", e.Select(x => (string?)x))})" : ""))
            .Distinct()
            .ToList();
        return issues is { Count: > 0 } ? string.Join("; ", issues) : null;
    }

    /// <summary>
    /// Waits while the server's <c>/health/ready</c> says it is still starting (its validator loading), saying so once,
    /// so an import does not sit at "0 resources, 0/s". A server without that endpoint is taken as ready.
    /// </summary>
    public async Task WaitUntilReadyAsync(Action<string> say, TimeSpan limit, CancellationToken ct)
    {
        var ready = new Uri(new Uri(BaseUrl + "/"), "/health/ready");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var said = false;
        while (true)
        {
            using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, ready), ct);
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || clock.Elapsed > limit) break;
            if (!said) say("The server's validator is loading… (waiting for /health/ready)");
            said = true;
            await Task.Delay(500, ct);
        }
        if (said) say($"The server is ready ({clock.Elapsed.TotalSeconds:F1} s).");
    }

    public static JsonNode? TryParse(string text)
    {
        try { return JsonNode.Parse(text); }
        catch (System.Text.Json.JsonException) { return null; }
    }
}
