using System.Net;
using System.Text.Json.Nodes;
using FhirTrial.Tests.Shared;

namespace FhirTrial.Server.Tests;

/// <summary><c>$analysis-datasets</c> through the real pipeline: a zip for GET and POST, OperationOutcomes for bad input.</summary>
[Collection(ServerCollection.Name)]
public sealed class AnalysisDatasetsHttpTests(FhirServerFactory factory)
{
    private const string Url = "/fhir/ResearchStudy/ak104-rcc-2l/$analysis-datasets";
    private readonly HttpClient _client = factory.CreateClient();

    // The cohort's Bundles PUT fixed ids, so loading them once serves every test of the shared server.
    private static readonly SemaphoreSlim Loading = new(1, 1);
    private static bool _loaded;

    private async Task LoadCohortAsync()
    {
        await Loading.WaitAsync();
        try
        {
            if (_loaded) return;
            var root = Path.GetDirectoryName(FhirTrial.Fhir.Validation.TrialPackage.Locate())!;
            foreach (var file in Directory.GetFiles(Path.Combine(root, "fhir-examples", "cohort"), "Bundle-*.json").Order())
            {
                var response = await _client.PostAsync("/fhir", Http.Json(await File.ReadAllTextAsync(file)));
                Assert.True(response.IsSuccessStatusCode, $"{file}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
            _loaded = true;
        }
        finally
        {
            Loading.Release();
        }
    }

    [Fact]
    public async Task GET_answers_a_zip_of_the_datasets_and_define_xml()
    {
        await LoadCohortAsync();
        var response = await _client.GetAsync(Url + "?cutoff=2025-12-31&format=xpt");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith(".zip", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var zip = DatasetReaders.Unzip(await response.Content.ReadAsByteArrayAsync());
        string[] datasets = ["dm", "ex", "ae", "tu", "tr", "rs", "lb", "vs", "ds", "qs", "adsl", "adrs", "adtte", "adae"];
        Assert.Equal([.. datasets.Select(d => d + ".xpt"), "define.xml"], zip.Keys.Order(StringComparer.Ordinal).OrderBy(k => k == "define.xml")
            .ThenBy(k => Array.IndexOf(datasets, k[..^4])));
        var adsl = DatasetReaders.Xpt(zip["adsl.xpt"]).Records().ToList();
        var subject = adsl.Single(r => r["USUBJID"] == "ak104-rcc-2l-cohort-02");
        Assert.Equal(("zhongshan", "Y", "Y", "2025-02-10", "2025-12-31"), (subject["SITEID"], subject["SAFFL"], subject["EFFFL"], subject["TRTSDT"], subject["DCUTDT"]));
        var bor = DatasetReaders.Xpt(zip["adrs.xpt"]).Records().Single(r => r["USUBJID"] == "ak104-rcc-2l-cohort-02" && r["PARAMCD"] == "BOR");
        Assert.Equal("PR", bor["AVALC"]);
    }

    [Fact]
    public async Task POST_takes_the_inputs_as_Parameters()
    {
        await LoadCohortAsync();
        var parameters = new JsonObject
        {
            ["resourceType"] = "Parameters",
            ["parameter"] = new JsonArray(
                new JsonObject { ["name"] = "cutoff", ["valueDate"] = "2025-05-15" },
                new JsonObject { ["name"] = "format", ["valueCode"] = "dataset-json" }),
        };
        var response = await _client.PostAsync(Url, Http.Json(parameters));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var zip = DatasetReaders.Unzip(await response.Content.ReadAsByteArrayAsync());
        var adsl = DatasetReaders.DatasetJson(zip["adsl.json"]);
        Assert.All(adsl.Records(), r => Assert.Equal("2025-05-15", r["DCUTDT"]));
        Assert.Contains("href=\"adsl.json\"", System.Text.Encoding.UTF8.GetString(zip["define.xml"]));
    }

    [Theory]
    [InlineData(Url + "?cutoff=2025-02-30", HttpStatusCode.BadRequest, "cutoff")]
    [InlineData(Url + "?format=sas7bdat", HttpStatusCode.BadRequest, "format")]
    [InlineData("/fhir/ResearchStudy/no-such-study/$analysis-datasets", HttpStatusCode.NotFound, "no-such-study")]
    public async Task Bad_input_is_an_OperationOutcome(string url, HttpStatusCode status, string named)
    {
        var response = await _client.GetAsync(url);
        Assert.Equal(status, response.StatusCode);
        var body = await response.BodyAsync();
        Assert.Equal("OperationOutcome", (string?)body["resourceType"]);
        Assert.Contains(named, body.ToJsonString());
    }

    [Fact]
    public async Task The_CapabilityStatement_lists_the_operation()
    {
        var metadata = await (await _client.GetAsync("/fhir/metadata")).BodyAsync();
        var study = metadata["rest"]![0]!["resource"]!.AsArray().Single(r => (string?)r!["type"] == "ResearchStudy")!;
        Assert.Contains(study["operation"]!.AsArray(), o => (string?)o!["name"] == "analysis-datasets"
            && (string?)o["definition"] == "http://fhirtrial.example.org/fhir/OperationDefinition/analysis-datasets");
    }
}
