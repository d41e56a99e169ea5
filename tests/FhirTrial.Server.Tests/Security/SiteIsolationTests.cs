using System.Net;

namespace FhirTrial.Server.Tests.Security;

/// <summary>renji's client and zhongshan's patient: by no route does the one reach the other.</summary>
[Collection(SecuredServerCollection.Name)]
public sealed class SiteIsolationTests(SecuredServerFactory factory)
{
    private static readonly string[] Zhongshan = ["Patient/zs-p1", "Observation/zs-o1", "ResearchSubject/zs-rs1"];

    private async Task<HttpClient> RenjiAsync()
    {
        await StudyData.SeedAsync(factory);
        return await factory.ClientForAsync("renji");
    }

    private static void SeesNoZhongshan(IEnumerable<string> ids)
    {
        var list = ids.ToList();
        foreach (var foreign in Zhongshan) Assert.DoesNotContain(foreign, list);
        Assert.DoesNotContain(list, id => id.Contains("/zs-"));
    }

    [Theory]
    [InlineData("/fhir/Patient/zs-p1")]
    [InlineData("/fhir/Observation/zs-o1")]
    [InlineData("/fhir/ResearchSubject/zs-rs1")]
    [InlineData("/fhir/Patient/zs-p1/_history")]
    [InlineData("/fhir/Patient/zs-p1/_history/1")]
    [InlineData("/fhir/Observation/zs-o1/_history/1")]
    [InlineData("/fhir/Patient/zs-p1/$everything")]
    [InlineData("/fhir/ResearchSubject/zs-rs1/$subject-probe")]
    public async Task Another_sites_resources_are_not_found(string url)
    {
        using var renji = await RenjiAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await renji.GetAsync(url)).StatusCode);
        using var admin = await factory.ClientForAsync("admin");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(url)).StatusCode);
    }

    [Theory]
    [InlineData("/fhir/Patient?_count=500")]
    [InlineData("/fhir/Patient?_id=zs-p1")]
    [InlineData("/fhir/Patient?identifier=zs-mrn-1")]
    [InlineData("/fhir/Observation?_count=500")]
    [InlineData("/fhir/Observation?subject=Patient/zs-p1")]
    [InlineData("/fhir/Observation?subject:Patient.identifier=zs-mrn-1")]
    [InlineData("/fhir/Patient?_has:Observation:subject:code=29463-7&_count=500")]
    [InlineData("/fhir/Patient?_revinclude=Observation:subject&_revinclude=ResearchSubject:individual&_count=500")]
    [InlineData("/fhir/Observation?_include=Observation:subject&_count=500")]
    [InlineData("/fhir/Task?_include=Task:focus")]
    [InlineData("/fhir/ResearchStudy?_revinclude=ResearchSubject:study&_revinclude:iterate=Observation:subject")]
    [InlineData("/fhir?_count=500")]
    [InlineData("/fhir/_history?_count=500")]
    [InlineData("/fhir/Patient/_history?_count=500")]
    [InlineData("/fhir/Observation/_history?_count=500")]
    [InlineData("/fhir/Patient/renji-p1/$everything")]
    [InlineData("/fhir/ResearchSubject/renji-rs1/$subject-probe")]
    public async Task Searches_includes_history_and_operations_leave_out_another_sites_rows(string url)
    {
        using var renji = await RenjiAsync();
        var response = await renji.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        SeesNoZhongshan(StudyData.Ids(await response.BodyAsync()));
        Assert.DoesNotContain("zhongshan.example.org", body); // the zhongshan patient's MRN system
        Assert.DoesNotContain("zhongshan-tx", body);
        if (!body.Contains("\"Bundle\"")) Assert.DoesNotContain("zs-", body); // an operation's Parameters

        using var admin = await factory.ClientForAsync("admin");
        var all = await (await admin.GetAsync(url)).Content.ReadAsStringAsync();
        if (!url.Contains("renji") && !url.StartsWith("/fhir?")) Assert.Contains("zs-", all); // the same request shows them to a study-wide role
    }

    [Fact]
    public async Task Own_rows_and_shared_study_data_stay_visible()
    {
        using var renji = await RenjiAsync();
        var patients = StudyData.Ids(await renji.JsonAsync("/fhir/Patient?_revinclude=Observation:subject&_count=500"));
        Assert.Contains("Patient/renji-p1", patients);
        Assert.Contains("Observation/renji-o1", patients);
        var everything = StudyData.Ids(await renji.JsonAsync("/fhir/Patient/renji-p1/$everything"));
        Assert.Contains("ResearchSubject/renji-rs1", everything);
        Assert.Contains("Organization/renji", everything);
        var shared = StudyData.Ids(await renji.JsonAsync("/fhir?_type=Organization,Medication,ResearchStudy&_count=500"));
        Assert.Contains("Organization/zhongshan", StudyData.Ids(await renji.JsonAsync("/fhir/Organization")));
        Assert.Contains("ResearchStudy/ak104-rcc-2l", StudyData.Ids(await renji.JsonAsync("/fhir/ResearchStudy")));
        Assert.NotNull(shared);
        var probe = await renji.JsonAsync("/fhir/ResearchSubject/renji-rs1/$subject-probe");
        Assert.Contains("renji-o1", probe.ToJsonString());
    }

    [Fact]
    public async Task Another_sites_patient_cannot_be_changed_taken_over_or_referenced()
    {
        using var renji = await RenjiAsync();
        // take over by PUT, pointing managingOrganization at renji: to renji the patient is not there, and not to be had
        Assert.Equal(HttpStatusCode.NotFound, (await renji.PutAsync("/fhir/Patient/zs-p1", Http.Json(StudyData.Patient("zs-p1", "renji")))).StatusCode);
        // data for their patient: refused as for a patient that does not exist, in the same words
        var forTheirs = await renji.PostAsync("/fhir/Observation", Http.Json(StudyData.Observation(null, "zs-p1")));
        var forNobody = await renji.PostAsync("/fhir/Observation", Http.Json(StudyData.Observation(null, "nobody-p1")));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity), (forTheirs.StatusCode, forNobody.StatusCode));
        Assert.Equal((await forNobody.Content.ReadAsStringAsync()).Replace("nobody-p1", "X"), (await forTheirs.Content.ReadAsStringAsync()).Replace("zs-p1", "X"));
        // a renji patient moved to another site
        Assert.Equal(HttpStatusCode.Forbidden, (await renji.PutAsync("/fhir/Patient/renji-p1", Http.Json(StudyData.Patient("renji-p1", "zhongshan", "renji-mrn-1")))).StatusCode);
        // delete, patch
        Assert.Equal(HttpStatusCode.NotFound, (await renji.DeleteAsync("/fhir/Observation/zs-o1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await renji.PatchAsync("/fhir/Observation/zs-o1",
            StudyData.JsonPatch("""[{"op":"replace","path":"/status","value":"amended"}]"""))).StatusCode);
        // conditional delete and update match only the site's own rows
        await renji.DeleteAsync("/fhir/Observation?subject=Patient/zs-p1");
        // a transaction resolving a conditional reference to their patient
        var bundle = """
            {"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Observation","status":"final",
             "code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},"subject":{"reference":"Patient?identifier=zs-mrn-1"}},
             "request":{"method":"POST","url":"Observation"}}]}
            """;
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await renji.PostAsync("/fhir", Http.Json(bundle))).StatusCode);
        // a batch reading it
        var batch = """{"resourceType":"Bundle","type":"batch","entry":[{"request":{"method":"GET","url":"Patient/zs-p1"}}]}""";
        var answer = await (await renji.PostAsync("/fhir", Http.Json(batch))).Content.ReadAsStringAsync();
        Assert.Contains("404", answer);
        Assert.DoesNotContain("zhongshan.example.org", answer);

        using var admin = await factory.ClientForAsync("admin");
        var patient = await admin.JsonAsync("/fhir/Patient/zs-p1");
        Assert.Equal("Organization/zhongshan", (string)patient["managingOrganization"]!["reference"]!);
        Assert.Equal("1", (string)patient["meta"]!["versionId"]!);
        Assert.Equal("final", (string)(await admin.JsonAsync("/fhir/Observation/zs-o1"))["status"]!);
        Assert.Equal("Organization/renji", (string)(await admin.JsonAsync("/fhir/Patient/renji-p1"))["managingOrganization"]!["reference"]!);
    }

    [Fact]
    public async Task A_site_is_refused_study_wide_operations_and_bulk_export()
    {
        using var renji = await RenjiAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await renji.GetAsync("/fhir/ResearchStudy/ak104-rcc-2l/$efficacy")).StatusCode);
        foreach (var url in new[] { "/fhir/$export", "/fhir/Patient/$export", "/fhir/Group/ak104-rcc-2l-eligibility/$export" })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, url).With("Prefer", "respond-async");
            Assert.Equal(HttpStatusCode.Forbidden, (await renji.SendAsync(request)).StatusCode);
        }
    }
}
