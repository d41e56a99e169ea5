using System.Net;

namespace FhirTrial.Server.Tests.Security;

/// <summary>
/// With Auth on, a browser's HTML view of a FHIR URL and the front door give an anonymous caller the page and no data:
/// the page's script reads the FHIR API, which refuses it (401) as it refuses any client.
/// </summary>
[Collection(SecuredServerCollection.Name)]
public sealed class HtmlViewAccessTests(SecuredServerFactory factory)
{
    [Theory]
    [InlineData("/fhir/ResearchStudy/ak104-rcc-2l")]
    [InlineData("/fhir/Patient")]
    [InlineData("/fhir/Organization/renji/_history")]
    public async Task An_anonymous_browser_gets_the_empty_view_and_the_data_behind_it_is_401(string path)
    {
        using var client = factory.CreateClient();
        using var html = new HttpRequestMessage(HttpMethod.Get, path);
        html.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        var page = await client.SendAsync(html);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        var text = await page.Content.ReadAsStringAsync();
        Assert.Contains("/dashboard/js/browse.js", text);
        Assert.DoesNotContain("resourceType", text);
        Assert.DoesNotContain("Renji", text);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());

        using var json = new HttpRequestMessage(HttpMethod.Get, path);
        json.Headers.Accept.ParseAdd("application/fhir+json");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(json)).StatusCode);
        // An explicit _format is the FHIR endpoint's, never the HTML view's.
        using var formatted = new HttpRequestMessage(HttpMethod.Get, path + (path.Contains('?') ? "&" : "?") + "_format=json");
        formatted.Headers.Accept.ParseAdd("text/html");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(formatted)).StatusCode);
    }

    [Fact]
    public async Task The_front_door_names_no_data()
    {
        using var client = factory.CreateClient();
        var page = await client.GetStringAsync("/");
        Assert.Contains("/dashboard/js/front-door.js", page);
        Assert.DoesNotContain("data-count", page);
        Assert.DoesNotContain("Renji", page);
    }
}
