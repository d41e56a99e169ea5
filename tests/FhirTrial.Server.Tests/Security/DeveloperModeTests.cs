using System.Net;
using FhirTrial.Tests.Shared;

namespace FhirTrial.Server.Tests.Security;

/// <summary>Without Auth settings the server is anonymous, so it must stay on loopback however it is told to listen, and
/// answer only requests addressed to this machine.</summary>
public sealed class DeveloperModeTests
{
    [Theory]
    [InlineData("--Kestrel:Endpoints:Http:Url=http://0.0.0.0:{port}")]
    [InlineData("--urls=http://0.0.0.0:{port}")]
    [InlineData("--HTTP_PORTS={port}")]
    public async Task Without_auth_the_binary_refuses_to_listen_beyond_loopback(string argument)
    {
        var port = Random.Shared.Next(20000, 40000).ToString();
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.StartAsync(argument.Replace("{port}", port)));
        Assert.Contains("exited", failure.Message);
    }

    [Fact]
    public async Task Without_auth_a_Host_header_naming_another_machine_is_refused()
    {
        using var factory = new FhirServerFactory();
        using var client = factory.CreateClient();
        var rebound = new HttpRequestMessage(HttpMethod.Get, "/fhir/Patient");
        rebound.Headers.Host = "attacker.example";
        var response = await client.SendAsync(rebound);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("OperationOutcome", (string)(await response.BodyAsync())["resourceType"]!);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/fhir/Patient?_count=1")).StatusCode);
        var proxied = new HttpRequestMessage(HttpMethod.Get, "/fhir/Patient");
        proxied.Headers.Add("X-Forwarded-For", "203.0.113.9");
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(proxied)).StatusCode);
    }

    [Fact]
    public async Task Locations_are_built_from_the_public_base_url_never_from_the_Host_header()
    {
        using var factory = new FhirServerFactory();
        factory.Settings["Fhir:PublicBaseUrl"] = "https://trial.example.org/fhir";
        using var client = factory.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Post, "/fhir/Patient") { Content = Http.Json("""{"resourceType":"Patient","gender":"male"}""") };
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.StartsWith("https://trial.example.org/fhir/Patient/", response.Headers.Location!.ToString());
        var search = await (await client.GetAsync("/fhir/Patient?_count=1")).BodyAsync();
        Assert.StartsWith("https://trial.example.org/fhir/", (string)search["link"]![0]!["url"]!);
    }
}
