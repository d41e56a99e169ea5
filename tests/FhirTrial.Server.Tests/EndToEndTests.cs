using FhirTrial.Tests.Shared;
using System.Net;
using System.Text.Json.Nodes;

namespace FhirTrial.Server.Tests;

/// <summary>The real binary, as a user starts it: fixture on start, Synthea pushes in and comes back out.</summary>
public sealed class EndToEndTests
{
    private static readonly string[] FixtureResources =
    [
        "ResearchStudy/ak104-rcc-2l", "Group/ak104-rcc-2l-eligibility", "Organization/renji", "Organization/zhongshan",
        "Organization/ruijin", "Medication/lenvatinib", "Medication/cadonilimab",
    ];

    [Fact]
    public async Task The_binary_starts_seeds_the_study_fixture_and_takes_a_Synthea_transaction()
    {
        await using var server = await ServerProcess.StartAsync();
        foreach (var reference in FixtureResources)
            Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync($"/fhir/{reference}")).StatusCode);

        var file = Directory.GetFiles(SyntheaFolder(), "*.json").Order().First();
        var bundle = JsonNode.Parse(await File.ReadAllTextAsync(file))!;
        var response = await server.Client.PostAsync("/fhir", Http.Json(bundle.ToJsonString()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var observations = bundle["entry"]!.AsArray().Count(e => (string)e!["resource"]!["resourceType"]! == "Observation");
        var count = await (await server.Client.GetAsync("/fhir/Observation?_summary=count")).BodyAsync();
        Assert.Equal(observations, (int)count["total"]!);
    }

    [Fact]
    public async Task The_binary_answers_metadata_while_it_warms_and_says_when_it_is_ready()
    {
        await using var server = await ServerProcess.StartAsync(); // returns at the first 200 from /fhir/metadata
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/health/live")).StatusCode);
        var ready = HttpStatusCode.ServiceUnavailable;
        for (var i = 0; i < 600 && ready != HttpStatusCode.OK; i++)
        {
            ready = (await server.Client.GetAsync("/health/ready")).StatusCode;
            if (ready != HttpStatusCode.OK) await Task.Delay(200);
        }
        Assert.Equal(HttpStatusCode.OK, ready);
        // once ready, the fixture is there without waiting
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/fhir/ResearchStudy/ak104-rcc-2l")).StatusCode);
    }

    public static string SyntheaFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "data", "synthea");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("tests/data/synthea was not found above the test binary.");
    }
}
