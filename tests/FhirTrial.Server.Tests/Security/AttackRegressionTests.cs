using System.Net;
using System.Text.Json.Nodes;
using FhirTrial.Fhir.Search;
using FhirTrial.Fhir.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FhirTrial.Server.Tests.Security;

/// <summary>The attacks that once got through, each as it was tried: path case, another site's resources told apart from
/// missing ones, history after deletion, and the gaps in the audit trail.</summary>
[Collection(SecuredServerCollection.Name)]
public sealed class AttackRegressionTests(SecuredServerFactory factory)
{
    private Task<JsonArray> EventsAsync(string query) => StudyData.AuditEventsAsync(factory, query);

    private static bool Names(JsonNode audit, string reference)
        => audit["entity"]?.AsArray().Any(e => (string?)e!["what"]?["reference"] == reference) == true;

    [Theory]
    [InlineData("GET", "/FHIR/Patient")]
    [InlineData("GET", "/Fhir/Patient/renji-p1")]
    [InlineData("GET", "/FHIR/Patient/renji-p1/$everything")]
    [InlineData("GET", "/fhir/Patient/renji-p1/_HISTORY")]
    [InlineData("POST", "/FHIR/Observation")]
    [InlineData("PUT", "/FHIR/Patient/renji-p1")]
    [InlineData("DELETE", "/FHIR/AuditEvent/x")]
    [InlineData("PUT", "/FHIR/AuditEvent/x")]
    [InlineData("GET", "/fhir/$EXPORT")]
    [InlineData("GET", "/FHIR/_export/0123456789abcdef")]
    [InlineData("GET", "/FHIR/_export/0123456789abcdef/Patient-1.ndjson")]
    public async Task Letter_case_in_the_path_never_turns_authentication_off(string method, string url)
    {
        await StudyData.SeedAsync(factory);
        using var anonymous = factory.CreateClient();
        var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (method is "POST" or "PUT") request.Content = Http.Json(StudyData.Observation(null, "renji-p1"));
        var response = await anonymous.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("OperationOutcome", (string)(await response.BodyAsync())["resourceType"]!);
    }

    [Theory]
    [InlineData("/fhir/Patient/zs-p1/_HISTORY")]
    [InlineData("/fhir/Patient/zs-p1/_History/1")]
    [InlineData("/FHIR/Patient/zs-p1")]
    [InlineData("/fhir/Patient/zs-p1/$EVERYTHING")]
    public async Task Letter_case_never_lets_a_site_read_another_sites_patient(string url)
    {
        await StudyData.SeedAsync(factory);
        using var renji = await factory.ClientForAsync("renji");
        var response = await renji.GetAsync(url);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("zhongshan.example.org", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Letter_case_never_widens_a_search_or_an_export()
    {
        await StudyData.SeedAsync(factory);
        using var renji = await factory.ClientForAsync("renji");
        var bundle = await renji.JsonAsync("/fHIR/Patient?_revinclude=Observation:subject&_count=500");
        Assert.DoesNotContain(StudyData.Ids(bundle), id => id.Contains("/zs-"));
        foreach (var url in new[] { "/fhir/$EXPORT", "/FHIR/$export", "/Fhir/Patient/$Export" })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, url).With("Prefer", "respond-async");
            Assert.Equal(HttpStatusCode.Forbidden, (await renji.SendAsync(request)).StatusCode);
        }
        using var researcher = await factory.ClientForAsync("researcher");
        Assert.Equal(HttpStatusCode.Forbidden, (await researcher.PostAsync("/Fhir/Observation", Http.Json(StudyData.Observation(null, "renji-p1")))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await researcher.PutAsync("/FHIR/Patient/renji-p1", Http.Json(StudyData.Patient("renji-p1", "renji", "renji-mrn-1")))).StatusCode);
    }

    [Fact]
    public async Task To_a_site_another_sites_resource_answers_as_one_that_does_not_exist()
    {
        await StudyData.SeedAsync(factory);
        using var renji = await factory.ClientForAsync("renji");
        async Task<(HttpStatusCode Status, string Body)> Send(HttpRequestMessage request)
        {
            var response = await renji.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        foreach (var (foreign, missing) in new[] { ("zs-o1", "nobody-" + Guid.NewGuid().ToString("N")[..8]) })
        {
            var deleteForeign = await Send(new HttpRequestMessage(HttpMethod.Delete, $"/fhir/Observation/{foreign}"));
            var deleteMissing = await Send(new HttpRequestMessage(HttpMethod.Delete, $"/fhir/Observation/{missing}"));
            Assert.Equal(HttpStatusCode.NotFound, deleteForeign.Status);
            Assert.Equal(deleteMissing.Status, deleteForeign.Status);

            HttpRequestMessage IfMatch(string id) => new HttpRequestMessage(HttpMethod.Put, $"/fhir/Observation/{id}")
                { Content = Http.Json(StudyData.Observation(id, "renji-p1")) }.With("If-Match", "W/\"1\"");
            var ifMatchForeign = await Send(IfMatch(foreign));
            var ifMatchMissing = await Send(IfMatch(missing));
            Assert.Equal(HttpStatusCode.NotFound, ifMatchForeign.Status);
            Assert.Equal(ifMatchMissing.Status, ifMatchForeign.Status);
            Assert.DoesNotContain("version", ifMatchForeign.Body, StringComparison.OrdinalIgnoreCase);

            // conditional update that matches nothing, with the body naming their resource
            var conditional = await Send(new HttpRequestMessage(HttpMethod.Put, $"/fhir/Observation?_id=none-{missing}")
                { Content = Http.Json(StudyData.Observation(foreign, "renji-p1")) });
            Assert.Equal(HttpStatusCode.NotFound, conditional.Status);
            Assert.DoesNotContain("match", conditional.Body, StringComparison.OrdinalIgnoreCase);
        }
        using var admin = await factory.ClientForAsync("admin");
        var observation = await admin.JsonAsync("/fhir/Observation/zs-o1");
        Assert.Equal("Patient/zs-p1", (string)observation["subject"]!["reference"]!);
    }

    [Fact]
    public async Task History_never_shows_another_sites_deleted_resources()
    {
        await StudyData.SeedAsync(factory);
        using var zhongshan = await factory.ClientForAsync("zhongshan");
        var id = "zs-gone-" + Guid.NewGuid().ToString("N")[..8];
        await StudyData.OkAsync(await zhongshan.PutAsync($"/fhir/Observation/{id}", Http.Json(StudyData.Observation(id, "zs-p1"))));
        await StudyData.OkAsync(await zhongshan.DeleteAsync($"/fhir/Observation/{id}"));
        using var renji = await factory.ClientForAsync("renji");
        foreach (var url in new[] { "/fhir/Observation/_history?_count=1000", "/fhir/_history?_count=1000" })
        {
            var text = await (await renji.GetAsync(url)).Content.ReadAsStringAsync();
            Assert.DoesNotContain(id, text);
            Assert.DoesNotContain("zs-p1", text);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await renji.GetAsync($"/fhir/Observation/{id}/_history")).StatusCode);
    }

    [Fact]
    public async Task A_read_names_the_patient_and_a_count_is_audited()
    {
        await StudyData.SeedAsync(factory);
        using var researcher = await factory.ClientForAsync("researcher");
        await StudyData.OkAsync(await researcher.GetAsync("/fhir/Observation/renji-o1"));
        var reads = await EventsAsync("entity=Observation/renji-o1&action=R");
        Assert.Contains(reads, a => Names(a!, "Patient/renji-p1") && (string)a!["agent"]![0]!["who"]!["identifier"]!["value"]! == "researcher-client");

        var marker = "count-" + Guid.NewGuid().ToString("N")[..8];
        await StudyData.OkAsync(await researcher.GetAsync($"/fhir/Observation?code={marker}&_summary=count"));
        var all = await EventsAsync("action=E&_sort=-date");
        Assert.Contains(all, a => a!["entity"]!.AsArray().Any(e => e!["query"] is { } q
            && System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((string)q!)).Contains(marker)));
    }

    [Fact]
    public async Task Reads_inside_a_Bundle_are_audited_per_entry_even_when_its_writes_wrote_something()
    {
        await StudyData.SeedAsync(factory);
        using var renji = await factory.ClientForAsync("renji");
        var id = "bundle-read-" + Guid.NewGuid().ToString("N")[..8];
        var transaction = """
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"resource":@observation,"request":{"method":"PUT","url":"Observation/@id"}},
              {"request":{"method":"GET","url":"ResearchSubject/renji-rs1"}}]}
            """.Replace("@observation", StudyData.Observation(id, "renji-p1")).Replace("@id", id);
        await StudyData.OkAsync(await renji.PostAsync("/fhir", Http.Json(transaction)));
        var batch = """{"resourceType":"Bundle","type":"batch","entry":[{"request":{"method":"GET","url":"Observation/renji-o1"}}]}""";
        await StudyData.OkAsync(await renji.PostAsync("/fhir", Http.Json(batch)));

        var subjectReads = await EventsAsync("entity=ResearchSubject/renji-rs1");
        Assert.Contains(subjectReads, a => (string)a!["agent"]![0]!["who"]!["identifier"]!["value"]! == "renji-client"
            && (string)a["subtype"]![0]!["code"]! == "read" && Names(a, "Patient/renji-p1"));
        var observationReads = await EventsAsync("entity=Observation/renji-o1");
        Assert.Contains(observationReads, a => (string)a!["agent"]![0]!["who"]!["identifier"]!["value"]! == "renji-client"
            && (string)a["subtype"]![0]!["code"]! == "read");
    }

    [Fact]
    public async Task Refused_attempts_are_audited_as_failures()
    {
        await StudyData.SeedAsync(factory);
        using var renji = await factory.ClientForAsync("renji");
        Assert.Equal(HttpStatusCode.NotFound, (await renji.GetAsync("/fhir/Observation/zs-o1")).StatusCode);
        var withheld = await EventsAsync("entity=Observation/zs-o1&outcome=4");
        Assert.Contains(withheld, a => (string)a!["agent"]![0]!["who"]!["identifier"]!["value"]! == "renji-client");

        using var forged = factory.CreateClient();
        forged.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.");
        var marker = "forged-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync($"/fhir/Patient?identifier={marker}")).StatusCode);
        var failures = await EventsAsync("outcome=4&_sort=-date");
        Assert.Contains(failures, a => (string)a!["agent"]![0]!["who"]!["identifier"]!["value"]! == "invalid-token"
            && (string)a["outcomeDesc"]! == "HTTP 401");
    }

    [Fact]
    public async Task An_export_is_audited_at_kick_off_poll_and_each_download_with_the_patients_released()
    {
        await StudyData.SeedAsync(factory);
        using var monitor = await factory.ClientForAsync("monitor");
        var kickOff = await monitor.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/fhir/Patient/$export?_type=Patient,Observation")
            .With("Prefer", "respond-async").With("Accept", "application/fhir+json"));
        Assert.Equal(HttpStatusCode.Accepted, kickOff.StatusCode);
        var status = kickOff.Content.Headers.ContentLocation?.ToString() ?? kickOff.Headers.GetValues("Content-Location").Single();
        JsonObject? manifest = null;
        for (var i = 0; i < 300 && manifest is null; i++)
        {
            var poll = await monitor.GetAsync(status);
            if (poll.StatusCode == HttpStatusCode.OK) manifest = await poll.BodyAsync();
            else await Task.Delay(100);
        }
        Assert.NotNull(manifest);
        var file = manifest!["output"]!.AsArray().Select(o => (string)o!["url"]!).First(u => u.Contains("Observation"));
        Assert.Equal(HttpStatusCode.OK, (await monitor.GetAsync(file)).StatusCode);

        static bool ByMonitor(JsonNode? a) => (string)a!["agent"]![0]!["who"]!["identifier"]!["value"]! == "monitor-client";
        var kickOffs = (await EventsAsync("subtype=operation&_sort=-date")).Where(ByMonitor).ToList();
        Assert.Contains(kickOffs, a => a!["entity"]!.AsArray().Any(e => (string?)e!["name"] == "$export"));
        var jobCalls = (await EventsAsync("subtype=export-job&_sort=-date")).Where(ByMonitor).ToList();
        Assert.True(jobCalls.Count >= 2, "the poll and the download");
        Assert.Contains(jobCalls, a => Names(a!, "Patient/renji-p1") && Names(a!, "Patient/zs-p1"));
    }

    [Fact]
    public async Task A_Bundle_entry_reads_nothing_its_single_request_could_not()
    {
        await StudyData.SeedAsync(factory);
        static string PatchEntry(string url, string patch) => $$$"""
            {"request":{"method":"PATCH","url":"{{{url}}}"},"resource":{"resourceType":"Binary","contentType":"application/json-patch+json",
             "data":"{{{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(patch))}}}"}}
            """;
        // a client scoped to Observations copies a Patient's identifier into a date, to read it back from the error
        using var narrow = await factory.ClientForAsync("narrow");
        Assert.Equal(HttpStatusCode.Forbidden, (await narrow.GetAsync("/fhir/Patient/renji-p1")).StatusCode);
        var copy = """[{"op":"copy","from":"/identifier/0/value","path":"/birthDate"}]""";
        foreach (var type in new[] { "batch", "transaction" })
        {
            var bundle = $$$"""{"resourceType":"Bundle","type":"{{{type}}}","entry":[{{{PatchEntry("Patient/renji-p1", copy)}}}]}""";
            var response = await narrow.PostAsync("/fhir", Http.Json(bundle));
            var text = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("renji-mrn-1", text);
            Assert.Contains("403", type == "batch" ? text : ((int)response.StatusCode).ToString());
        }
        // a researcher tries the same on an AuditEvent, which it may not read
        using var monitor = await factory.ClientForAsync("monitor");
        var audit = (await monitor.JsonAsync("/fhir/AuditEvent?_count=1"))["entry"]![0]!["resource"]!;
        using var researcher = await factory.ClientForAsync("researcher");
        var auditPatch = PatchEntry($"AuditEvent/{(string)audit["id"]!}", """[{"op":"copy","from":"/agent/0/who/identifier/value","path":"/recorded"}]""");
        var probe = """{"resourceType":"Bundle","type":"batch","entry":[@entry]}""".Replace("@entry", auditPatch);
        var answer = await (await researcher.PostAsync("/fhir", Http.Json(probe))).Content.ReadAsStringAsync();
        Assert.DoesNotContain((string)audit["agent"]![0]!["who"]!["identifier"]!["value"]!, answer);
    }

    [Fact]
    public async Task A_conditional_create_that_returns_its_match_is_audited_as_a_read()
    {
        await StudyData.SeedAsync(factory);
        using var renji = await factory.ClientForAsync("renji");
        var before = (await EventsAsync("entity=Observation/renji-o1")).Count;
        var request = new HttpRequestMessage(HttpMethod.Post, "/fhir/Observation") { Content = Http.Json(StudyData.Observation(null, "renji-p1")) }
            .With("If-None-Exist", "_id=renji-o1");
        Assert.Equal(HttpStatusCode.OK, (await renji.SendAsync(request)).StatusCode);
        Assert.True((await EventsAsync("entity=Observation/renji-o1")).Count > before);
    }

    [Theory]
    [InlineData("/fhir/auditevent")]
    [InlineData("/fhir/patient")]
    [InlineData("/fhir/observation/renji-o1")]
    public async Task A_type_spelled_in_another_case_is_no_type(string url)
    {
        await StudyData.SeedAsync(factory);
        using var researcher = await factory.ClientForAsync("researcher");
        Assert.Equal(HttpStatusCode.NotFound, (await researcher.GetAsync(url)).StatusCode);
        using var admin = await factory.ClientForAsync("admin");
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/fhir/auditevent/x")).StatusCode);
    }

    [Fact]
    public async Task The_store_refuses_a_call_made_for_nobody()
    {
        var store = factory.Services.GetRequiredService<IFhirStore>();
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.ReadAsync("Patient", "renji-p1", CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.SearchAsync(new SearchQuery("Patient", [], [], 10, 0, false), CancellationToken.None));
    }
}
