using System.Net;
using System.Text.Json.Nodes;

namespace FhirTrial.Server.Tests;

/// <summary>The trial package served, indexed and enforced: $validate, 422 on write, conformance resources by URL.</summary>
[Collection(ServerCollection.Name)]
public sealed class ProfileTests(FhirServerFactory factory)
{
    private const string Canon = "http://fhirtrial.example.org/fhir";
    private readonly HttpClient _client = factory.CreateClient();

    private static string Measurement(string unit, bool withFocus = true) => $$$"""
        {"resourceType":"Observation","meta":{"profile":["{{{Canon}}}/StructureDefinition/recist-target-measurement"]},
         "status":"final","code":{"coding":[{"system":"http://loinc.org","code":"21889-1"}]},
         "subject":{"reference":"Patient/p1"},{{{(withFocus ? "\"focus\":[{\"reference\":\"BodyStructure/b1\"}]," : "")}}}
         "effectiveDateTime":"2025-02-17",
         "valueQuantity":{"value":20,"unit":"{{{unit}}}","system":"http://unitsofmeasure.org","code":"{{{unit}}}"}}
        """;

    /// <summary>Patient/p1 and BodyStructure/b1, which <see cref="Measurement"/> references, so that its references resolve.</summary>
    private async Task SeedTargetsAsync()
    {
        foreach (var (url, json) in new[]
        {
            ("/fhir/Patient/p1", """{"resourceType":"Patient","id":"p1","gender":"male"}"""),
            ("/fhir/BodyStructure/b1", """{"resourceType":"BodyStructure","id":"b1","patient":{"reference":"Patient/p1"}}"""),
        })
        {
            var response = await _client.PutAsync(url, Http.Json(json));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }
    }

    [Theory]
    [InlineData("recist-lesion-role")]
    [InlineData("recist-lymph-node")]
    [InlineData("ctcae-grade")]
    [InlineData("recist-lesion")]
    [InlineData("recist-target-measurement")]
    [InlineData("recist-non-target-status")]
    [InlineData("recist-new-lesion")]
    [InlineData("recist-timepoint-response")]
    [InlineData("recist-best-response")]
    [InlineData("trial-subject")]
    [InlineData("study-drug-administration")]
    [InlineData("trial-adverse-event")]
    [InlineData("eortc-qlq-c30-response")]
    public async Task Every_contract_profile_is_served_by_its_canonical_url(string id)
    {
        var body = await (await _client.GetAsync($"/fhir/StructureDefinition?url={Canon}/StructureDefinition/{id}")).BodyAsync();
        var entry = Assert.Single(body["entry"]!.AsArray());
        Assert.NotNull(entry!["resource"]!["snapshot"]);
    }

    [Fact]
    public async Task Validate_names_the_faulty_element()
    {
        var response = await _client.PostAsync("/fhir/Observation/$validate", Http.Json(Measurement("cm")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcome = await response.BodyAsync();
        var errors = outcome["issue"]!.AsArray().Where(i => (string)i!["severity"]! == "error").ToList();
        Assert.NotEmpty(errors);
        Assert.Contains(errors, e => e!["expression"]!.AsArray().Any(x => ((string)x!).StartsWith("Observation.value")));
    }

    [Fact]
    public async Task Validate_accepts_a_conforming_measurement()
    {
        var outcome = await (await _client.PostAsync("/fhir/Observation/$validate", Http.Json(Measurement("mm")))).BodyAsync();
        Assert.DoesNotContain(outcome["issue"]!.AsArray(), i => (string)i!["severity"]! is "error" or "fatal");
    }

    [Fact]
    public async Task Validate_with_a_named_profile_checks_an_unclaimed_resource()
    {
        var unclaimed = JsonNode.Parse(Measurement("mm", withFocus: false))!.AsObject();
        unclaimed.Remove("meta");
        var parameters = new JsonObject
        {
            ["resourceType"] = "Parameters",
            ["parameter"] = new JsonArray(
                new JsonObject { ["name"] = "resource", ["resource"] = unclaimed },
                new JsonObject { ["name"] = "profile", ["valueUri"] = $"{Canon}/StructureDefinition/recist-target-measurement" }),
        };
        var outcome = await (await _client.PostAsync("/fhir/Observation/$validate", Http.Json(parameters))).BodyAsync();
        Assert.Contains(outcome["issue"]!.AsArray(), i => (string)i!["severity"]! == "error" && i["expression"]!.AsArray().Any(x => ((string)x!).Contains("focus")));
    }

    [Fact]
    public async Task A_resource_claiming_a_trial_profile_it_breaks_is_refused_with_422_and_not_stored()
    {
        await SeedTargetsAsync();
        var response = await _client.PostAsync("/fhir/Observation", Http.Json(Measurement("cm")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("OperationOutcome", (string)(await response.BodyAsync())["resourceType"]!);
        Assert.Equal(HttpStatusCode.Created, (await _client.PostAsync("/fhir/Observation", Http.Json(Measurement("mm")))).StatusCode);
    }

    [Fact]
    public async Task A_transaction_with_an_invalid_profiled_entry_is_refused_whole()
    {
        var marker = Guid.NewGuid().ToString("N");
        var bundle = $$$"""
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"fullUrl":"urn:uuid:{{{Guid.NewGuid()}}}","resource":{"resourceType":"Patient","identifier":[{"value":"{{{marker}}}"}]},"request":{"method":"POST","url":"Patient"}},
              {"resource":{{{Measurement("cm")}}},"request":{"method":"POST","url":"Observation"}}]}
            """;
        var response = await _client.PostAsync("/fhir", Http.Json(bundle));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(0, (int)(await (await _client.GetAsync($"/fhir/Patient?identifier={marker}")).BodyAsync())["total"]!);
    }

    [Fact]
    public async Task A_profiled_resource_with_an_unparseable_reference_is_422_not_500()
    {
        // found by the fuzz run: the validator throws UriFormatException on such a reference
        var body = Measurement("mm").Replace("\"reference\":\"Patient/p1\"", "\"reference\":\"http://a b/Patient?x=1\"");
        var response = await _client.PostAsync("/fhir/Observation", Http.Json(body));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Fact]
    public async Task The_package_SearchParameters_are_searchable()
    {
        await SeedTargetsAsync();
        var lesion = $$$"""
            {"resourceType":"BodyStructure","patient":{"reference":"Patient/p1"},"identifier":[{"value":"T1"}],
             "location":{"coding":[{"system":"http://snomed.info/sct","code":"39607008"}]},
             "extension":[{"url":"{{{Canon}}}/StructureDefinition/recist-lesion-role","valueCode":"target"},
                          {"url":"{{{Canon}}}/StructureDefinition/recist-lymph-node","valueBoolean":false}]}
            """;
        var created = await (await _client.PostAsync("/fhir/BodyStructure", Http.Json(lesion))).BodyAsync();
        var found = await (await _client.GetAsync($"/fhir/BodyStructure?lesion-role=target&_id={(string)created["id"]!}")).BodyAsync();
        Assert.Equal(1, (int)found["total"]!);
    }

    [Fact]
    public async Task The_CapabilityStatement_lists_profiles_and_operations()
    {
        var body = await (await _client.GetAsync("/fhir/metadata")).BodyAsync();
        var observation = body["rest"]![0]!["resource"]!.AsArray().Single(r => (string)r!["type"]! == "Observation")!;
        Assert.Contains(observation["supportedProfile"]!.AsArray(), p => (string)p! == $"{Canon}/StructureDefinition/recist-target-measurement");
        Assert.Contains(observation["operation"]!.AsArray(), o => (string)o!["name"]! == "validate");
    }
}
