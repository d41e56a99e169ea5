using System.Net;
using System.Net.Http.Headers;

namespace FhirTrial.Server.Tests;

/// <summary>What a person with a browser, or a client sending the wrong media type, meets.</summary>
public sealed class FrontDoorTests(FhirServerFactory factory) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task The_root_is_an_HTML_page_that_leads_to_the_dashboard_docs_and_metadata()
    {
        var response = await _client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        var page = await response.Content.ReadAsStringAsync();
        foreach (var link in new[] { "/dashboard/", "/docs", "/fhir/metadata", "/fhir/Observation" })
            Assert.Contains($"href=\"{link}\"", page);
    }

    [Fact]
    public async Task A_browser_asking_for_a_FHIR_url_gets_JSON_never_an_XML_download()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/fhir/metadata");
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("xml", response.Content.Headers.ContentType!.MediaType!);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("text/csv")]
    public async Task A_body_in_a_media_type_the_server_cannot_read_is_415(string mediaType)
    {
        var content = new StringContent("""{"resourceType":"Patient"}""");
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        var response = await _client.PostAsync("/fhir/Patient", content);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("OperationOutcome", (string)(await response.BodyAsync())["resourceType"]!);
    }
}
