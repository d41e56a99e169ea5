using System.Net;
using System.Text.Json.Nodes;

namespace FhirTrial.Server.Tests.Security;

/// <summary>Every touch of patient data leaves an AuditEvent the monitor can find; writes leave it in their own transaction,
/// pushed Bundles a Provenance; the trail cannot be rewritten.</summary>
[Collection(SecuredServerCollection.Name)]
public sealed class AuditTrailTests(SecuredServerFactory factory)
{
    private Task<JsonArray> EventsAsync(string query) => StudyData.AuditEventsAsync(factory, query);

    private static bool Names(JsonNode audit, string reference)
        => audit["entity"]?.AsArray().Any(e => ((string?)e!["what"]?["reference"])?.StartsWith(reference, StringComparison.Ordinal) == true) == true;

    [Fact]
    public async Task A_transaction_writes_its_AuditEvent_and_Provenance_with_the_change()
    {
        await StudyData.SeedAsync(factory);
        using var renji = await factory.ClientForAsync("renji");
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var response = await renji.PostAsync("/fhir", Http.Json(StudyData.Transaction("renji", suffix)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var locations = (await response.BodyAsync())["entry"]!.AsArray().Select(e => ((string)e!["response"]!["location"]!).Split("/_history")[0]).ToList();
        var patient = locations.Single(l => l.StartsWith("Patient/"));
        var observation = locations.Single(l => l.StartsWith("Observation/"));

        var audits = await EventsAsync($"entity={patient}");
        var audit = Assert.Single(audits, a => (string)a!["action"]! == "E" && Names(a!, observation))!;
        Assert.Equal("0", (string)audit["outcome"]!);
        Assert.Equal("renji-client", (string)audit["agent"]![0]!["who"]!["identifier"]!["value"]!);
        Assert.Equal("site", (string)audit["agent"]![0]!["role"]![0]!["coding"]![0]!["code"]!);
        Assert.Equal("Organization/renji", (string)audit["agent"]![1]!["who"]!["reference"]!);
        Assert.NotNull(audit["recorded"]);
        Assert.NotNull(audit["source"]);

        using var admin = await factory.ClientForAsync("admin");
        var provenance = (await admin.JsonAsync($"/fhir/Provenance?target={patient}"))["entry"]!.AsArray().Single()!["resource"]!;
        var targets = provenance["target"]!.AsArray().Select(t => ((string)t!["reference"]!).Split("/_history")[0]).ToList();
        Assert.Contains(patient, targets);
        Assert.Contains(observation, targets);
        Assert.Equal("renji-client", (string)provenance["agent"]![0]!["who"]!["identifier"]!["value"]!);
        Assert.Equal("Organization/renji", (string)provenance["agent"]![0]!["onBehalfOf"]!["reference"]!);
        // the site sees its own Provenance
        Assert.Single(StudyData.Ids(await renji.JsonAsync($"/fhir/Provenance?target={patient}")));
    }

    [Fact]
    public async Task Create_update_and_delete_each_write_an_AuditEvent_with_their_action()
    {
        await StudyData.SeedAsync(factory);
        using var renji = await factory.ClientForAsync("renji");
        var id = "audit-" + Guid.NewGuid().ToString("N")[..10];
        await StudyData.OkAsync(await renji.PutAsync($"/fhir/Observation/{id}", Http.Json(StudyData.Observation(id, "renji-p1"))));
        await StudyData.OkAsync(await renji.PutAsync($"/fhir/Observation/{id}", Http.Json(StudyData.Observation(id, "renji-p1", 71))));
        await StudyData.OkAsync(await renji.DeleteAsync($"/fhir/Observation/{id}"));
        var audits = await EventsAsync($"entity=Observation/{id}");
        var actions = audits.Select(a => (string)a!["action"]!).Order().ToList();
        Assert.Equal(["C", "D", "U"], actions);
        Assert.All(audits, a => Assert.Equal("rest", (string)a!["type"]!["code"]!));
        // each names the patient the Observation is about: from its index rows, and for the deletion from its stored JSON
        Assert.All(audits, a => Assert.True(Names(a!, "Patient/renji-p1"), a!.ToJsonString()));
    }

    [Fact]
    public async Task Reads_of_patient_data_are_audited_with_what_was_returned()
    {
        await StudyData.SeedAsync(factory);
        using var researcher = await factory.ClientForAsync("researcher");
        await StudyData.OkAsync(await researcher.GetAsync("/fhir/Patient/renji-p1"));
        await StudyData.OkAsync(await researcher.GetAsync("/fhir/Observation?subject=Patient/zs-p1"));
        var reads = await EventsAsync("entity=Patient/renji-p1&action=R");
        Assert.Contains(reads, a => (string)a!["agent"]![0]!["who"]!["identifier"]!["value"]! == "researcher-client");
        var searches = await EventsAsync("entity=Observation/zs-o1&action=E");
        Assert.Contains(searches, a => (string)a!["agent"]![0]!["who"]!["identifier"]!["value"]! == "researcher-client"
            && a["entity"]!.AsArray().Any(e => e!["query"] is not null));
    }

    [Fact]
    public async Task Refused_writes_are_audited_as_failures_and_change_nothing()
    {
        await StudyData.SeedAsync(factory);
        using var renji = await factory.ClientForAsync("renji");
        using var admin = await factory.ClientForAsync("admin");
        var before = (int)(await admin.JsonAsync("/fhir/Observation?subject=Patient/zs-p1&_summary=count"))["total"]!;
        // another site's patient is not there to renji: refused as a reference to nothing
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await renji.PostAsync("/fhir/Observation", Http.Json(StudyData.Observation(null, "zs-p1")))).StatusCode);
        Assert.Equal(before, (int)(await admin.JsonAsync("/fhir/Observation?subject=Patient/zs-p1&_summary=count"))["total"]!);
        var failures = await EventsAsync("outcome=4&action=C");
        Assert.Contains(failures, a => (string)a!["agent"]![0]!["who"]!["identifier"]!["value"]! == "renji-client");
    }

    [Fact]
    public async Task AuditEvents_can_be_read_and_searched_by_the_monitor_but_never_changed()
    {
        await StudyData.SeedAsync(factory);
        var audits = await EventsAsync("entity=Patient/renji-p1");
        Assert.NotEmpty(audits);
        var id = (string)audits[0]!["id"]!;
        foreach (var role in new[] { "monitor", "admin" })
        {
            using var client = await factory.ClientForAsync(role);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/fhir/AuditEvent/{id}")).StatusCode);
            var copy = audits[0]!.DeepClone();
            Assert.Equal(HttpStatusCode.MethodNotAllowed, (await client.PutAsync($"/fhir/AuditEvent/{id}", Http.Json(copy))).StatusCode);
            Assert.Equal(HttpStatusCode.MethodNotAllowed, (await client.DeleteAsync($"/fhir/AuditEvent/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.MethodNotAllowed, (await client.PatchAsync($"/fhir/AuditEvent/{id}",
                StudyData.JsonPatch("""[{"op":"replace","path":"/outcome","value":"0"}]"""))).StatusCode);
            var bundle = """{"resourceType":"Bundle","type":"transaction","entry":[{"request":{"method":"DELETE","url":"AuditEvent/@id"}}]}""".Replace("@id", id);
            Assert.Equal(HttpStatusCode.MethodNotAllowed, (await client.PostAsync("/fhir", Http.Json(bundle))).StatusCode);
        }
        using var renji = await factory.ClientForAsync("renji");
        Assert.Equal(HttpStatusCode.Forbidden, (await renji.GetAsync($"/fhir/AuditEvent/{id}")).StatusCode);
        using var monitorClient = await factory.ClientForAsync("monitor");
        Assert.Equal("1", (string)(await monitorClient.JsonAsync($"/fhir/AuditEvent/{id}"))["meta"]!["versionId"]!);
    }
}
