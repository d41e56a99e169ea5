using System.Net;
using System.Text.Json.Nodes;

namespace FhirTrial.Server.Tests.Terminology;

/// <summary>ValueSet $expand and $validate-code, CodeSystem $lookup and $validate-code over HTTP, on the core and the trial package.</summary>
[Collection(ServerCollection.Name)]
public sealed class TerminologyOperationTests(FhirServerFactory factory)
{
    private const string Canon = "http://fhirtrial.example.org/fhir";
    private const string GenderSet = "http://hl7.org/fhir/ValueSet/administrative-gender";
    private const string Gender = "http://hl7.org/fhir/administrative-gender";

    private readonly HttpClient _client = factory.CreateClient();

    private async Task<JsonObject> OkAsync(string url)
    {
        var response = await _client.GetAsync(url);
        var body = await response.BodyAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {body}");
        return body;
    }

    private static List<string> Codes(JsonObject valueSet)
        => valueSet["expansion"]!["contains"]?.AsArray().Select(c => (string)c!["code"]!).ToList() ?? [];

    private static JsonNode? Part(JsonObject parameters, string name) => parameters["parameter"]!.AsArray().FirstOrDefault(p => (string)p!["name"]! == name);

    [Fact]
    public async Task Expands_a_core_value_set_by_url()
    {
        var expanded = await OkAsync($"/fhir/ValueSet/$expand?url={GenderSet}");
        Assert.Equal(["female", "male", "other", "unknown"], Codes(expanded).Order(StringComparer.Ordinal));
        Assert.Equal(4, (int)expanded["expansion"]!["total"]!);
    }

    [Fact]
    public async Task Filters_and_pages_an_expansion()
    {
        Assert.Equal(["female"], Codes(await OkAsync($"/fhir/ValueSet/$expand?url={GenderSet}&filter=fem")));
        var page = await OkAsync($"/fhir/ValueSet/$expand?url={GenderSet}&offset=1&count=2");
        Assert.Equal(2, Codes(page).Count);
        Assert.Equal((4, 1), ((int)page["expansion"]!["total"]!, (int)page["expansion"]!["offset"]!));
        var all = Codes(await OkAsync($"/fhir/ValueSet/$expand?url={GenderSet}"));
        Assert.Equal(all.Skip(1).Take(2), Codes(page));
    }

    [Fact]
    public async Task Expands_a_trial_value_set_by_id()
    {
        var expanded = await OkAsync("/fhir/ValueSet/recist-response/$expand");
        Assert.Equal(["CR", "NE", "NON-CR/NON-PD", "PD", "PR", "SD"], Codes(expanded).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Looks_up_a_trial_code()
    {
        var result = await OkAsync($"/fhir/CodeSystem/$lookup?system={Canon}/CodeSystem/recist&code=non-target");
        Assert.Equal("Non-target lesion", (string)Part(result, "display")!["valueString"]!);
        Assert.NotNull(Part(result, "property"));
    }

    [Fact]
    public async Task Looks_up_a_core_code_by_coding()
    {
        var response = await _client.PostAsync("/fhir/CodeSystem/$lookup", Http.Json($$$"""
            {"resourceType":"Parameters","parameter":[{"name":"coding","valueCoding":{"system":"{{{Gender}}}","code":"unknown"}}]}
            """));
        var result = await response.BodyAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Unknown", (string)Part(result, "display")!["valueString"]!);
    }

    [Fact]
    public async Task An_unknown_code_is_not_found_with_an_OperationOutcome()
    {
        var response = await _client.GetAsync($"/fhir/CodeSystem/$lookup?system={Gender}&code=nope");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("OperationOutcome", (string)(await response.BodyAsync())["resourceType"]!);
    }

    [Theory]
    [InlineData(GenderSet, Gender, "male", true)]
    [InlineData(GenderSet, Gender, "boy", false)]
    [InlineData(Canon + "/ValueSet/recist-response", Canon + "/CodeSystem/recist", "SD", true)]
    [InlineData(Canon + "/ValueSet/causality", Canon + "/CodeSystem/recist", "SD", false)]
    public async Task Validates_a_code_in_a_value_set(string url, string system, string code, bool valid)
    {
        var result = await OkAsync($"/fhir/ValueSet/$validate-code?url={url}&system={system}&code={Uri.EscapeDataString(code)}");
        Assert.Equal(valid, (bool)Part(result, "result")!["valueBoolean"]!);
    }

    [Theory]
    [InlineData(Canon + "/CodeSystem/causality", "related", true)]
    [InlineData(Canon + "/CodeSystem/causality", "unrelated", false)]
    [InlineData(Gender, "female", true)]
    public async Task Validates_a_code_in_a_code_system(string url, string code, bool valid)
    {
        var result = await OkAsync($"/fhir/CodeSystem/$validate-code?url={url}&code={code}");
        Assert.Equal(valid, (bool)Part(result, "result")!["valueBoolean"]!);
    }

    [Fact]
    public async Task Expand_without_a_value_set_is_a_bad_request()
    {
        var response = await _client.GetAsync("/fhir/ValueSet/$expand?filter=x");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task The_CapabilityStatement_and_the_API_description_list_them()
    {
        var capability = await OkAsync("/fhir/metadata");
        var resources = capability["rest"]![0]!["resource"]!.AsArray();
        List<string> Ops(string type) => resources.First(r => (string)r!["type"]! == type)!["operation"]!.AsArray().Select(o => (string)o!["name"]!).ToList();
        Assert.Contains("expand", Ops("ValueSet"));
        Assert.Contains("validate-code", Ops("ValueSet"));
        Assert.Contains("lookup", Ops("CodeSystem"));
        Assert.Contains("validate-code", Ops("CodeSystem"));

        var paths = (JsonObject)(await OkAsync("/openapi/v1.json"))["paths"]!;
        Assert.NotNull(paths["/fhir/ValueSet/$expand"]!["get"]);
        Assert.NotNull(paths["/fhir/ValueSet/{id}/$expand"]!["get"]);
        Assert.NotNull(paths["/fhir/CodeSystem/$lookup"]!["get"]);
        Assert.NotNull(paths["/fhir/ValueSet/$validate-code"]!["post"]);
        Assert.NotNull(paths["/fhir/CodeSystem/$validate-code"]!["get"]);
    }
}
