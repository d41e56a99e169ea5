using FhirTrial.Tests.Shared;
using System.Diagnostics;
using System.Net;

namespace FhirTrial.Server.Tests.Limits;

/// <summary>No request body ends the process or holds a worker: depth is refused before any recursion, validation has a
/// time budget, malformed forms are the client's fault.</summary>
[Collection(ServerCollection.Name)]
public sealed class HostileBodyTests(FhirServerFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    private async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string? issueCode = null)
    {
        Assert.Equal(status, response.StatusCode);
        var outcome = await response.BodyAsync();
        Assert.Equal("OperationOutcome", (string)outcome["resourceType"]!);
        if (issueCode is not null) Assert.Equal(issueCode, (string)outcome["issue"]![0]!["code"]!);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/fhir/metadata")).StatusCode);
    }

    [Fact]
    public async Task An_XML_Bundle_nested_40000_deep_is_refused_and_the_server_lives()
    {
        await AssertRefusedAsync(await _client.PostAsync("/fhir", HostileBodies.Xml(HostileBodies.DeepXmlBundle(40_000))), HttpStatusCode.BadRequest, "too-costly");
        await AssertRefusedAsync(await _client.PostAsync("/fhir/Bundle/$validate", HostileBodies.Xml(HostileBodies.DeepXmlBundle(40_000))), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_JSON_Bundle_nested_40000_deep_is_refused_and_the_server_lives()
        => await AssertRefusedAsync(await _client.PostAsync("/fhir", Http.Json(HostileBodies.DeepJsonBundle(40_000))), HttpStatusCode.BadRequest);

    [Theory]
    [InlineData("xml")]
    [InlineData("json")]
    public async Task XML_is_held_to_the_same_depth_as_JSON(string format)
    {
        // A Patient with n nested extensions is 1 + 2n JSON levels deep: 63 fit in 128, 64 do not.
        HttpContent Body(int levels) => format == "xml"
            ? HostileBodies.Xml(HostileBodies.NestedExtensionsXml(levels))
            : Http.Json(HostileBodies.NestedExtensionsJson(levels));
        // $validate, not create: a resource this deep in the shared server's history would be deeper than the other
        // tests' JSON readers go (that it reads back is FhirSerializerDepthTests').
        var within = await _client.PostAsync("/fhir/Patient/$validate", Body(63));
        Assert.True(within.StatusCode == HttpStatusCode.OK, await within.Content.ReadAsStringAsync());
        await AssertRefusedAsync(await _client.PostAsync("/fhir/Patient", Body(64)), HttpStatusCode.BadRequest, format == "xml" ? "too-costly" : null);
        await AssertRefusedAsync(await _client.PostAsync("/fhir/Patient", Body(128)), HttpStatusCode.BadRequest, format == "xml" ? "too-costly" : null);
    }

    [Fact]
    public async Task A_Patient_with_1000_nested_extensions_is_answered_at_once()
    {
        var clock = Stopwatch.StartNew();
        await AssertRefusedAsync(await _client.PostAsync("/fhir/Patient/$validate", HostileBodies.Xml(HostileBodies.NestedExtensionsXml(1000))), HttpStatusCode.BadRequest);
        await AssertRefusedAsync(await _client.PostAsync("/fhir/Patient/$validate", Http.Json(HostileBodies.NestedExtensionsJson(1000))), HttpStatusCode.BadRequest);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Wide_bodies_are_no_server_fault()
    {
        foreach (var content in new[] { HostileBodies.Xml(HostileBodies.WideXml(20_000)), Http.Json(HostileBodies.WideJson(20_000)) })
        {
            var response = await _client.PostAsync("/fhir/Patient/$validate", content);
            Assert.True((int)response.StatusCode < 500, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    public static TheoryData<int> BrokenForms() => [.. Enumerable.Range(0, Fuzz.FuzzInputs.BrokenMultiparts.Length)];

    [Theory]
    [MemberData(nameof(BrokenForms))]
    public async Task A_broken_multipart_search_is_a_bad_request(int form)
        => await AssertRefusedAsync(await _client.PostAsync("/fhir/Patient/_search", Fuzz.FuzzInputs.BrokenMultipart(form)), HttpStatusCode.BadRequest);
}
