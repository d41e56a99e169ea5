using System.Net;
using System.Text.Json.Nodes;

namespace FhirTrial.Server.Tests.Export;

/// <summary>FHIR Bulk Data export (IG v2) through the real pipeline: kick-off, polling, manifest, files, deletion.</summary>
public sealed class BulkExportTests(ExportServerFactory factory) : IClassFixture<ExportServerFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static HttpRequestMessage KickOff(string url, string method = "GET")
        => Http.Request(new HttpMethod(method), url).With("Prefer", "respond-async").With("Accept", Http.FhirJson);

    private async Task<string> KickOffAsync(string url)
    {
        var response = await _client.SendAsync(KickOff(url));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var location = response.Content.Headers.ContentLocation ?? throw new Xunit.Sdk.XunitException("no Content-Location");
        Assert.True(location.IsAbsoluteUri);
        return location.PathAndQuery;
    }

    private async Task<JsonObject> PollAsync(string statusUrl)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var response = await _client.GetAsync(statusUrl);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                Assert.StartsWith("application/json", response.Content.Headers.ContentType!.MediaType);
                return await response.BodyAsync();
            }
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.True(response.Headers.Contains("X-Progress"));
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.True(DateTime.UtcNow < deadline, "the export did not finish within a minute");
            await Task.Delay(50);
        }
    }

    private async Task<JsonObject> ExportAsync(string url) => await PollAsync(await KickOffAsync(url));

    /// <summary>Every resource of every file of the manifest, by type, after checking each file's count and content type.</summary>
    private async Task<Dictionary<string, List<JsonObject>>> DownloadAsync(JsonObject manifest)
    {
        var byType = new Dictionary<string, List<JsonObject>>();
        foreach (var output in manifest["output"]!.AsArray())
        {
            var response = await _client.GetAsync(new Uri((string)output!["url"]!).PathAndQuery);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/fhir+ndjson", response.Content.Headers.ContentType!.MediaType);
            var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal((int)output["count"]!, lines.Length);
            var type = (string)output["type"]!;
            foreach (var line in lines)
            {
                var resource = (JsonObject)JsonNode.Parse(line)!;
                Assert.Equal(type, (string)resource["resourceType"]!);
                (byType.TryGetValue(type, out var list) ? list : byType[type] = []).Add(resource);
            }
        }
        return byType;
    }

    private static List<string> Ids(Dictionary<string, List<JsonObject>> byType, string type)
        => byType.GetValueOrDefault(type, []).Select(r => (string)r["id"]!).Order().ToList();

    [Fact]
    public async Task System_export_runs_to_a_manifest_whose_files_hold_every_resource()
    {
        var manifest = await ExportAsync("/fhir/$export");
        Assert.True(DateTimeOffset.TryParse((string)manifest["transactionTime"]!, out _));
        Assert.EndsWith("/fhir/$export", (string)manifest["request"]!);
        Assert.False((bool)manifest["requiresAccessToken"]!);
        Assert.Empty(manifest["error"]!.AsArray());

        var byType = await DownloadAsync(manifest);
        Assert.Superset(ExportData.StudyPatients.Append(ExportData.OtherPatient).ToHashSet(), Ids(byType, "Patient").ToHashSet());
        Assert.Contains("ak104-rcc-2l", Ids(byType, "ResearchStudy"));
        Assert.Contains("ak104-rcc-2l-eligibility", Ids(byType, "Group"));
        // 9 observations with at most 4 a file: the type is split over several files.
        Assert.True(manifest["output"]!.AsArray().Count(o => (string)o!["type"]! == "Observation") >= 3);
    }

    [Fact]
    public async Task Type_limits_the_export_to_the_named_types()
    {
        var manifest = await ExportAsync("/fhir/$export?_type=Patient,ResearchSubject&_outputFormat=application%2Ffhir%2Bndjson");
        var byType = await DownloadAsync(manifest);
        Assert.Equal(["Patient", "ResearchSubject"], byType.Keys.Order().ToList());
        Assert.Equal(["exp-rs1", "exp-rs2"], Ids(byType, "ResearchSubject"));
    }

    [Theory]
    [InlineData("ndjson")]
    [InlineData("application/ndjson")]
    public async Task Output_format_accepts_the_ndjson_aliases(string format)
    {
        var manifest = await ExportAsync($"/fhir/$export?_type=Group&_outputFormat={Uri.EscapeDataString(format)}");
        Assert.Contains("ak104-rcc-2l-eligibility", Ids(await DownloadAsync(manifest), "Group"));
    }

    [Fact]
    public async Task Since_exports_only_what_changed_after_it()
    {
        await Task.Delay(20);
        var since = DateTimeOffset.UtcNow;
        await Task.Delay(20);
        var flag = """{"resourceType":"Flag","id":"exp-flag","status":"active","code":{"text":"since test"},"subject":{"reference":"Patient/exp-p1"}}""";
        Assert.True((await _client.PutAsync("/fhir/Flag/exp-flag", Http.Json(flag))).IsSuccessStatusCode);

        var manifest = await ExportAsync($"/fhir/$export?_since={Uri.EscapeDataString(since.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"))}");
        var byType = await DownloadAsync(manifest);
        Assert.Equal(["exp-flag"], Ids(byType, "Flag"));
        Assert.DoesNotContain("Observation", byType.Keys);
        Assert.DoesNotContain("Patient", byType.Keys);
    }

    [Fact]
    public async Task Group_export_of_the_enrollment_group_holds_exactly_the_study_subjects_and_their_compartments()
    {
        var manifest = await ExportAsync("/fhir/Group/ak104-rcc-2l-eligibility/$export");
        var byType = await DownloadAsync(manifest);
        Assert.Equal(ExportData.StudyPatients.Order().ToList(), Ids(byType, "Patient"));
        Assert.Equal(ExportData.StudyPatients.Length * ExportData.ObservationsPerPatient, byType["Observation"].Count);
        Assert.Equal(["exp-rs1", "exp-rs2"], Ids(byType, "ResearchSubject"));
        Assert.DoesNotContain("Condition", byType.Keys); // only p3 has one
        var everything = byType.Values.SelectMany(r => r).Select(r => r.ToJsonString()).ToList();
        Assert.DoesNotContain(everything, json => json.Contains($"Patient/{ExportData.OtherPatient}\""));
    }

    [Fact]
    public async Task Group_export_with_type_keeps_to_the_group_and_the_types()
    {
        var byType = await DownloadAsync(await ExportAsync("/fhir/Group/ak104-rcc-2l-eligibility/$export?_type=Observation"));
        Assert.Equal(["Observation"], byType.Keys.ToList());
        Assert.All(byType["Observation"], o => Assert.DoesNotContain(ExportData.OtherPatient, (string)o["subject"]!["reference"]!));
    }

    [Fact]
    public async Task Patient_export_holds_every_patient_and_their_compartments()
    {
        var byType = await DownloadAsync(await ExportAsync("/fhir/Patient/$export"));
        Assert.Superset(ExportData.StudyPatients.Append(ExportData.OtherPatient).ToHashSet(), Ids(byType, "Patient").ToHashSet());
        Assert.Contains("exp-p3-c", Ids(byType, "Condition"));
        Assert.DoesNotContain("ResearchStudy", byType.Keys); // not in any patient's compartment
        Assert.DoesNotContain("AuditEvent", byType.Keys); // the server's audit trail is not the patients' record
    }

    [Fact]
    public async Task Patient_and_Group_export_hold_audit_events_only_when_type_names_them()
    {
        var group = await DownloadAsync(await ExportAsync("/fhir/Group/ak104-rcc-2l-eligibility/$export"));
        Assert.DoesNotContain("AuditEvent", group.Keys);

        var asked = await DownloadAsync(await ExportAsync("/fhir/Patient/$export?_type=Patient,AuditEvent"));
        Assert.NotEmpty(asked["AuditEvent"]); // the seeding requests' own AuditEvents name the patients
    }

    [Fact]
    public async Task Kick_off_without_Prefer_respond_async_is_400()
    {
        var response = await _client.SendAsync(Http.Request(HttpMethod.Get, "/fhir/$export").With("Accept", Http.FhirJson));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("OperationOutcome", (string)(await response.BodyAsync())["resourceType"]!);
    }

    [Theory]
    [InlineData("/fhir/$export?_type=NotAType")]
    [InlineData("/fhir/$export?_outputFormat=text/csv")]
    [InlineData("/fhir/$export?_since=yesterday")]
    [InlineData("/fhir/$export?_typeFilter=Observation%3Fcode%3D1")]
    public async Task Bad_kick_off_parameters_are_400(string url)
        => Assert.Equal(HttpStatusCode.BadRequest, (await _client.SendAsync(KickOff(url))).StatusCode);

    [Fact]
    public async Task Unsupported_parameters_are_ignored_under_lenient_handling()
    {
        var request = Http.Request(HttpMethod.Get, "/fhir/$export?_type=Group&_typeFilter=Group%3Fname%3Dx")
            .With("Prefer", "respond-async, handling=lenient").With("Accept", Http.FhirJson);
        Assert.Equal(HttpStatusCode.Accepted, (await _client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Kick_off_asking_for_xml_is_400()
    {
        var request = Http.Request(HttpMethod.Get, "/fhir/$export").With("Prefer", "respond-async").With("Accept", "application/fhir+xml");
        Assert.Equal(HttpStatusCode.BadRequest, (await _client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Group_export_of_an_unknown_group_is_404()
        => Assert.Equal(HttpStatusCode.NotFound, (await _client.SendAsync(KickOff("/fhir/Group/no-such-group/$export"))).StatusCode);

    [Fact]
    public async Task Post_kick_off_takes_its_parameters_from_a_Parameters_body()
    {
        var request = KickOff("/fhir/$export", "POST");
        request.Content = Http.Json("""{"resourceType":"Parameters","parameter":[{"name":"_type","valueString":"ResearchSubject"}]}""");
        var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var byType = await DownloadAsync(await PollAsync(response.Content.Headers.ContentLocation!.PathAndQuery));
        Assert.Equal(["ResearchSubject"], byType.Keys.ToList());
    }

    [Fact]
    public async Task Delete_on_the_status_url_removes_the_job_and_its_files()
    {
        var statusUrl = await KickOffAsync("/fhir/$export?_type=Patient");
        var manifest = await PollAsync(statusUrl);
        var fileUrl = new Uri((string)manifest["output"]![0]!["url"]!).PathAndQuery;
        var jobId = statusUrl.Split('/')[^1];
        Assert.True(Directory.Exists(Path.Combine(factory.ExportFolder, jobId)));

        Assert.Equal(HttpStatusCode.Accepted, (await _client.DeleteAsync(statusUrl)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(statusUrl)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(fileUrl)).StatusCode);
        Assert.False(Directory.Exists(Path.Combine(factory.ExportFolder, jobId)));
        Assert.Equal(HttpStatusCode.NotFound, (await _client.DeleteAsync(statusUrl)).StatusCode);
    }

    [Fact]
    public async Task A_job_may_be_deleted_before_it_finishes()
    {
        var statusUrl = await KickOffAsync("/fhir/$export");
        Assert.Equal(HttpStatusCode.Accepted, (await _client.DeleteAsync(statusUrl)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(statusUrl)).StatusCode);
    }

    [Fact]
    public async Task Only_files_the_job_wrote_are_served()
    {
        var statusUrl = await KickOffAsync("/fhir/$export?_type=Group");
        await PollAsync(statusUrl);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(statusUrl + "/job.json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(statusUrl + "/..%2Fjob.json")).StatusCode);
    }

    [Fact]
    public async Task Export_routes_are_not_swallowed_by_the_generic_routes_and_leave_them_working()
    {
        // /fhir/{segment} would have sent $export to the operation dispatcher, which answers 405 for it.
        Assert.Equal(HttpStatusCode.Accepted, (await _client.SendAsync(KickOff("/fhir/$export?_type=Group"))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await _client.SendAsync(KickOff("/fhir/Patient/$export?_type=Patient"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/fhir/Patient?_id=exp-p1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/fhir/Group/ak104-rcc-2l-eligibility")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/fhir/Patient/exp-p1/$everything")).StatusCode);
    }

    [Fact]
    public async Task The_capability_statement_lists_export_at_system_Patient_and_Group_level()
    {
        var rest = (await (await _client.GetAsync("/fhir/metadata")).BodyAsync())["rest"]![0]!;
        Assert.Contains(rest["operation"]!.AsArray(), o => (string)o!["name"]! == "export");
        foreach (var type in new[] { "Patient", "Group" })
            Assert.Contains(rest["resource"]!.AsArray().Single(r => (string)r!["type"]! == type)!["operation"]!.AsArray(),
                o => (string)o!["name"]! == "export");
    }
}
