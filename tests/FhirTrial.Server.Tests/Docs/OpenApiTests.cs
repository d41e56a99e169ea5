using System.Net;
using System.Text.Json.Nodes;
using FhirTrial.Fhir.Validation;

namespace FhirTrial.Server.Tests.Docs;

/// <summary>The OpenAPI document describes the FHIR surface and every operation of the trial package; /docs shows it.</summary>
[Collection(ServerCollection.Name)]
public sealed class OpenApiTests(FhirServerFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    private async Task<JsonObject> DocumentAsync()
    {
        var response = await _client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.BodyAsync();
    }

    public static TheoryData<string> OperationDefinitionFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(TrialPackage.Locate(), "OperationDefinition-*.json").Order()) data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(OperationDefinitionFiles))]
    public async Task Every_trial_operation_is_described_at_each_of_its_levels_with_its_inputs(string file)
    {
        var definition = (JsonObject)JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(TrialPackage.Locate(), file)))!;
        var paths = (JsonObject)(await DocumentAsync())["paths"]!;
        var code = (string)definition["code"]!;
        foreach (var type in definition["resource"]!.AsArray().Select(t => (string)t!))
        {
            var expected = new List<string>();
            if ((bool?)definition["instance"] == true) expected.Add($"/fhir/{type}/{{id}}/${code}");
            if ((bool?)definition["type"] == true) expected.Add($"/fhir/{type}/${code}");
            foreach (var path in expected)
            {
                Assert.True(paths.ContainsKey(path), $"{path} is not in the OpenAPI document");
                var post = paths[path]!["post"]!;
                Assert.Contains(code, (string)post["summary"]!);
                foreach (var output in definition["parameter"]!.AsArray().Where(p => (string)p!["use"]! == "out"))
                    Assert.Contains($"`{(string)output!["name"]!}`", (string)post["description"]!);
            }
        }
        // Primitive inputs of an instance-level operation are query parameters of its GET.
        if ((bool?)definition["instance"] == true)
        {
            var type = (string)definition["resource"]![0]!;
            var get = paths[$"/fhir/{type}/{{id}}/${code}"]!["get"];
            Assert.NotNull(get);
            var names = get!["parameters"]!.AsArray().Select(p => (string)p!["name"]!).ToList();
            foreach (var input in definition["parameter"]!.AsArray().Where(p => (string)p!["use"]! == "in" && (string?)p!["type"] is "string" or "date" or "boolean"))
                Assert.Contains((string)input!["name"]!, names);
        }
    }

    [Fact]
    public async Task Reads_and_writes_carry_example_ids_and_resources_from_fhir_examples()
    {
        var read = (await DocumentAsync())["paths"]!["/fhir/{type}/{id}"]!["get"]!;
        var id = read["parameters"]!.AsArray().Single(p => (string)p!["name"]! == "id")!;
        Assert.Equal("ak104-rcc-2l", (string)id["examples"]!["ResearchStudy/ak104-rcc-2l"]!["value"]!);
        var examples = read["responses"]!["200"]!["content"]!["application/fhir+json"]!["examples"]!.AsObject();
        var study = examples["ResearchStudy/ak104-rcc-2l"]!["value"]!;
        Assert.Equal("ResearchStudy", (string)study["resourceType"]!);
        Assert.True(examples.ContainsKey("Patient/cohort-01"), "cohort resources are examples too");
    }

    [Fact]
    public async Task The_docs_page_loads_its_scripts_from_this_server_without_AI_or_developer_tools()
    {
        var page = await _client.GetStringAsync("/docs/");
        Assert.DoesNotMatch("(src|href)=\"https?://", page);
        Assert.Contains("\"showDeveloperTools\":\"never\"", page);
        Assert.Contains("\"agent\":{\"disabled\":true}", page);
        Assert.Contains("\"withDefaultFonts\":false", page);
    }

    [Fact]
    public async Task Eligibility_takes_study_as_a_required_query_parameter_and_date_as_an_optional_one()
    {
        var get = (await DocumentAsync())["paths"]!["/fhir/Patient/{id}/$eligibility"]!["get"]!;
        var parameters = get["parameters"]!.AsArray().ToDictionary(p => (string)p!["name"]!, p => p!);
        Assert.True((bool)parameters["study"]["required"]!);
        Assert.False((bool?)parameters["date"]["required"] ?? false);
        Assert.Equal("date", (string)parameters["date"]["schema"]!["format"]!);
    }

    [Fact]
    public async Task The_FHIR_interactions_and_bulk_export_are_described()
    {
        var paths = (JsonObject)(await DocumentAsync())["paths"]!;
        foreach (var path in new[] { "/fhir/metadata", "/fhir", "/fhir/{type}", "/fhir/{type}/{id}", "/fhir/{type}/{id}/_history/{version}",
                     "/fhir/$export", "/fhir/Patient/$export", "/fhir/Group/{id}/$export", "/fhir/_export/{jobId}", "/fhir/Patient/{id}/$everything" })
            Assert.True(paths.ContainsKey(path), $"{path} is missing");
        Assert.NotNull(paths["/fhir/{type}/{id}"]!["patch"]);
        Assert.NotNull(paths["/fhir/_export/{jobId}"]!["delete"]);
        // The generic routes are described as FHIR interactions, not as ASP.NET sees them.
        Assert.False(paths.ContainsKey("/fhir/{segment}"));
        Assert.False(paths.ContainsKey("/fhir/{type}/{segment}"));
    }

    [Fact]
    public async Task Docs_serves_the_reference_page_for_the_document()
    {
        var response = await _client.GetAsync("/docs/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("openapi/v1.json", html);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/docs/scalar.js")).StatusCode);
    }
}
