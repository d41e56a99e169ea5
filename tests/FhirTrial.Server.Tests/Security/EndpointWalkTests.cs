using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FhirTrial.Server.Tests.Security;

/// <summary>
/// Walks every endpoint the server maps and proves that, with Auth on, each refuses an anonymous caller (401), in the
/// path's own letter case and in others, unless it is one of the few public ones listed here. A route added later without
/// protection, or a new public route, fails this test until it is judged.
/// </summary>
[Collection(SecuredServerCollection.Name)]
public sealed partial class EndpointWalkTests(SecuredServerFactory factory)
{
    /// <summary>The endpoints that answer without a token: discovery, the token exchange, and the API's description.</summary>
    private static readonly HashSet<string> Public =
    [
        "GET /",
        "GET /fhir/metadata",
        "* /health/live",
        "* /health/ready",
        "GET /.well-known/smart-configuration",
        "GET /fhir/.well-known/smart-configuration",
        "POST /auth/token",
        "GET /auth/jwks",
        "GET /openapi/{documentName}.json",
        "GET /docs/{documentName?}",
        "GET /docs/scalar.js",
        "GET /docs/scalar.aspnetcore.js",
        "GET /docs/favicon.svg",
    ];

    private static IEnumerable<(string Method, string Pattern, bool Anonymous)> Walk(IServiceProvider services)
    {
        var sources = services.GetServices<EndpointDataSource>();
        foreach (var endpoint in sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST", "PUT", "PATCH", "DELETE"];
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            foreach (var method in methods)
                yield return (method, "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/'), anonymous);
        }
    }

    [Fact]
    public void Only_the_listed_endpoints_are_public()
    {
        var anonymous = Walk(factory.Services).Where(e => e.Anonymous && !IsPublic(e.Method, e.Pattern)).Select(e => $"{e.Method} {e.Pattern}");
        Assert.Empty(anonymous);
        Assert.True(Walk(factory.Services).Count() > 20, "the walk should find the FHIR routes");
    }

    [Fact]
    public async Task Every_endpoint_refuses_an_anonymous_caller_in_any_letter_case()
    {
        using var client = factory.CreateClient();
        var failures = new List<string>();
        var walked = 0;
        foreach (var (method, pattern, _) in Walk(factory.Services).Distinct())
        {
            if (IsPublic(method, pattern)) continue;
            var path = Concrete(pattern);
            foreach (var variant in new[] { path, path.ToUpperInvariant(), Mixed(path) })
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), variant);
                if (method is "POST" or "PUT" or "PATCH")
                    request.Content = Http.Json("""{"resourceType":"Patient","id":"x1"}""");
                var response = await client.SendAsync(request);
                walked++;
                if (response.StatusCode != HttpStatusCode.Unauthorized)
                    failures.Add($"{method} {variant} (route {pattern}) answered {(int)response.StatusCode}");
            }
        }
        Assert.True(walked > 60, $"only {walked} requests: the walk should reach every FHIR route");
        Assert.True(failures.Count == 0, "open to an anonymous caller:\n" + string.Join("\n", failures));
    }

    /// <summary>A websocket endpoint is walked above with a plain GET; here each is asked for a real upgrade, with no token
    /// and with a forged one, and must refuse it with 401 before any socket opens.</summary>
    [Fact]
    public async Task Every_websocket_endpoint_refuses_an_upgrade_without_a_valid_token()
    {
        var sockets = factory.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<FhirTrial.Server.Http.WebSocketEndpointMetadata>() is not null)
            .Select(e => "/" + (e.RoutePattern.RawText ?? "").TrimStart('/')).ToList();
        Assert.Contains("/fhir/websocket", sockets);
        var failures = new List<string>();
        foreach (var path in sockets.Select(Concrete))
            foreach (var variant in new[] { path, path.ToUpperInvariant(), Mixed(path) })
                foreach (var token in new[] { null, "not.a.token" })
                {
                    var client = Subscriptions.SubscriptionSocketClient.Connect(factory.Server, token);
                    try
                    {
                        using var socket = await client.ConnectAsync(new Uri("ws://localhost" + variant), CancellationToken.None);
                        failures.Add($"{variant} opened a websocket {(token is null ? "without a token" : "with a forged token")}");
                    }
                    catch (Exception e) when (e is not Xunit.Sdk.XunitException)
                    {
                        if (!e.Message.Contains("401")) failures.Add($"{variant} refused the upgrade otherwise than with 401: {e.Message}");
                    }
                }
        Assert.True(failures.Count == 0, "websocket endpoints open to a caller without a valid token:\n" + string.Join("\n", failures));
    }

    /// <summary>The routes above are walked with one operation; here every registered operation is called at each of its levels.</summary>
    [Fact]
    public async Task Every_registered_operation_refuses_an_anonymous_caller()
    {
        using var client = factory.CreateClient();
        var operations = factory.Services.GetServices<FhirTrial.Fhir.Engine.IFhirOperation>().ToList();
        Assert.Contains(operations, o => o.Info.Name == "analysis-datasets");
        var failures = new List<string>();
        foreach (var info in operations.Select(o => o.Info))
        {
            var paths = info.ResourceTypes.SelectMany(t => new[] { $"/fhir/{t}/${info.Name}", $"/fhir/{t}/x1/${info.Name}" })
                .Concat(info.System ? [$"/fhir/${info.Name}"] : []);
            foreach (var path in paths)
                foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post })
                {
                    using var request = new HttpRequestMessage(method, path);
                    if (method == HttpMethod.Post) request.Content = Http.Json("""{"resourceType":"Parameters"}""");
                    var response = await client.SendAsync(request);
                    if (response.StatusCode != HttpStatusCode.Unauthorized) failures.Add($"{method} {path} answered {(int)response.StatusCode}");
                }
        }
        Assert.True(failures.Count == 0, "open to an anonymous caller:\n" + string.Join("\n", failures));
    }

    private static bool IsPublic(string method, string pattern) => Public.Contains($"{method} {pattern}") || Public.Contains($"* {pattern}");

    /// <summary>The pattern with each parameter filled: a resource type, an id, an operation.</summary>
    private static string Concrete(string pattern) => Parameter().Replace(pattern, m => m.Groups[1].Value switch
    {
        "type" => "Patient",
        "segment" => "renji-p1",
        "operation" => "$everything",
        "version" => "1",
        "documentName" => "v1",
        _ => "x1",
    });

    private static string Mixed(string path) => string.Concat(path.Select((c, i) => i % 2 == 0 ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c)));

    [GeneratedRegex(@"\{\**([A-Za-z]+)[^}]*\}")]
    private static partial Regex Parameter();
}
