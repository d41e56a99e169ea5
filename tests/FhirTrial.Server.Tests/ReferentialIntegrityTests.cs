using System.Net;
using System.Text.Json.Nodes;

namespace FhirTrial.Server.Tests;

/// <summary>References that resolve and deletes that orphan nothing, through the HTTP pipeline.</summary>
[Collection(ServerCollection.Name)]
public sealed class ReferentialIntegrityTests(FhirServerFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    private static string Weight(string subject) => $$$"""
        {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},
         "subject":{"reference":"{{{subject}}}"},"effectiveDateTime":"2025-02-01",
         "valueQuantity":{"value":70,"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"}}
        """;

    private async Task<string> CreateAsync(string type, string json)
    {
        var response = await _client.PostAsync($"/fhir/{type}", Http.Json(json));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (string)(await response.BodyAsync())["id"]!;
    }

    private Task<string> PatientAsync() => CreateAsync("Patient", """{"resourceType":"Patient","gender":"female","birthDate":"1961-02-03"}""");

    [Fact]
    public async Task A_dangling_reference_is_422_naming_the_element_alone_and_in_a_transaction()
    {
        var single = await _client.PostAsync("/fhir/Observation", Http.Json(Weight("Patient/does-not-exist")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, single.StatusCode);
        var outcome = await single.BodyAsync();
        Assert.Equal("OperationOutcome", (string)outcome["resourceType"]!);
        Assert.Equal("Observation.subject", (string)outcome["issue"]![0]!["expression"]![0]!);

        var bundle = new JsonObject
        {
            ["resourceType"] = "Bundle", ["type"] = "transaction",
            ["entry"] = new JsonArray(new JsonObject
            {
                ["resource"] = JsonNode.Parse(Weight("Patient/does-not-exist")), ["request"] = new JsonObject { ["method"] = "POST", ["url"] = "Observation" },
            }),
        };
        var transaction = await _client.PostAsync("/fhir", Http.Json(bundle));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, transaction.StatusCode);
        Assert.Equal("Bundle.entry[0].resource.Observation.subject", (string)(await transaction.BodyAsync())["issue"]![0]!["expression"]![0]!);
    }

    [Fact]
    public async Task Deleting_a_referenced_patient_is_409_and_cascading_deletes_its_data()
    {
        var patient = await PatientAsync();
        var observation = await CreateAsync("Observation", Weight($"Patient/{patient}"));

        var refused = await _client.DeleteAsync($"/fhir/Patient/{patient}");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains($"Observation/{observation}", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"/fhir/Observation/{observation}")).StatusCode);

        var cascaded = await _client.DeleteAsync($"/fhir/Patient/{patient}?_cascade=delete");
        Assert.Equal(HttpStatusCode.NoContent, cascaded.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await _client.GetAsync($"/fhir/Patient/{patient}")).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await _client.GetAsync($"/fhir/Observation/{observation}")).StatusCode);
    }

    [Fact]
    public async Task A_delete_with_If_Match_is_checked_in_its_transaction()
    {
        var patient = await PatientAsync();

        var stale = await _client.SendAsync(Http.Request(HttpMethod.Delete, $"/fhir/Patient/{patient}").With("If-Match", "W/\"2\""));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        var current = await _client.SendAsync(Http.Request(HttpMethod.Delete, $"/fhir/Patient/{patient}").With("If-Match", "W/\"1\""));
        Assert.Equal(HttpStatusCode.NoContent, current.StatusCode);
        var again = await _client.SendAsync(Http.Request(HttpMethod.Delete, $"/fhir/Patient/{patient}").With("If-Match", "W/\"1\""));
        Assert.Equal(HttpStatusCode.PreconditionFailed, again.StatusCode);
    }

    [Fact]
    public async Task Everything_leaves_out_audit_events_unless_type_names_them()
    {
        var patient = await PatientAsync();
        await CreateAsync("Observation", Weight($"Patient/{patient}"));
        await CreateAsync("AuditEvent", $$$"""
            {"resourceType":"AuditEvent","type":{"system":"http://terminology.hl7.org/CodeSystem/audit-event-type","code":"rest"},
             "recorded":"2025-02-01T10:00:00Z","agent":[{"requestor":true,"who":{"display":"someone"}}],
             "source":{"observer":{"display":"FhirTrial"}},"entity":[{"what":{"reference":"Patient/{{{patient}}}"}}]}
            """);

        var everything = await (await _client.GetAsync($"/fhir/Patient/{patient}/$everything")).BodyAsync();
        var types = everything["entry"]!.AsArray().Select(e => (string)e!["resource"]!["resourceType"]!).ToList();
        Assert.Contains("Observation", types);
        Assert.DoesNotContain("AuditEvent", types);

        var audits = await (await _client.GetAsync($"/fhir/Patient/{patient}/$everything?_type=AuditEvent")).BodyAsync();
        Assert.Contains(audits["entry"]!.AsArray(), e => (string)e!["resource"]!["resourceType"]! == "AuditEvent");
    }

    [Fact]
    public async Task The_CapabilityStatement_says_how_references_and_deletes_behave()
    {
        var body = await (await _client.GetAsync("/fhir/metadata")).BodyAsync();
        var documentation = (string)body["rest"]![0]!["documentation"]!;
        Assert.Contains("_cascade=delete", documentation);
        Assert.Contains("422", documentation);
        var observation = body["rest"]![0]!["resource"]!.AsArray().Single(r => (string)r!["type"]! == "Observation")!;
        Assert.Contains(observation["referencePolicy"]!.AsArray(), p => (string)p! == "enforced");
    }
}
