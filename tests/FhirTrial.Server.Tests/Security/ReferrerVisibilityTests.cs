using System.Net;

namespace FhirTrial.Server.Tests.Security;

/// <summary>A refused delete names the referrers a site may see, and only counts the rest: another site's data never leaks.</summary>
[Collection(SecuredServerCollection.Name)]
public sealed class ReferrerVisibilityTests(SecuredServerFactory factory)
{
    [Fact]
    public async Task A_referrer_the_site_may_not_see_blocks_the_delete_without_being_named()
    {
        await StudyData.SeedAsync(factory);
        using var renji = await factory.ClientForAsync("renji");
        await StudyData.OkAsync(await renji.PutAsync("/fhir/Patient/renji-ref-p1", Http.Json(StudyData.Patient("renji-ref-p1", "renji"))));
        using var admin = await factory.ClientForAsync("admin");
        // A Group with a zhongshan member is hidden from renji, and it references renji's patient.
        await StudyData.OkAsync(await admin.PutAsync("/fhir/Group/mixed-ref", Http.Json("""
            {"resourceType":"Group","id":"mixed-ref","type":"person","actual":true,
             "member":[{"entity":{"reference":"Patient/renji-ref-p1"}},{"entity":{"reference":"Patient/zs-p1"}}]}
            """)));
        await StudyData.OkAsync(await renji.PutAsync("/fhir/Observation/renji-ref-o1", Http.Json(StudyData.Observation("renji-ref-o1", "renji-ref-p1"))));

        foreach (var url in new[] { "/fhir/Patient/renji-ref-p1", "/fhir/Patient/renji-ref-p1?_cascade=delete" })
        {
            var refused = await renji.DeleteAsync(url);
            var body = await refused.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.DoesNotContain("mixed-ref", body);
            Assert.DoesNotContain("Group/", body);
            Assert.DoesNotContain("zs-", body);
        }
        Assert.Equal(HttpStatusCode.OK, (await renji.GetAsync("/fhir/Observation/renji-ref-o1")).StatusCode);

        // The admin sees every referrer, and names them.
        var named = await admin.DeleteAsync("/fhir/Patient/renji-ref-p1");
        Assert.Equal(HttpStatusCode.Conflict, named.StatusCode);
        Assert.Contains("Group/mixed-ref", await named.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_cascading_delete_is_audited_resource_by_resource()
    {
        await StudyData.SeedAsync(factory);
        using var renji = await factory.ClientForAsync("renji");
        await StudyData.OkAsync(await renji.PostAsync("/fhir", Http.Json(StudyData.SiteBundle("renji", "renji-cascade"))));

        var response = await renji.DeleteAsync("/fhir/Patient/renji-cascade-p1?_cascade=delete");

        Assert.True(response.StatusCode == HttpStatusCode.NoContent, await response.Content.ReadAsStringAsync());
        using var monitor = await factory.ClientForAsync("monitor");
        var bundle = await monitor.JsonAsync("/fhir/AuditEvent?entity=Observation/renji-cascade-o1&_count=200");
        var deletion = Assert.Single(bundle["entry"]!.AsArray(), e => (string)e!["resource"]!["action"]! == "D")!["resource"]!;
        var named = deletion["entity"]!.AsArray().Select(e => (string?)e!["what"]?["reference"]).OfType<string>().ToList();
        foreach (var gone in new[] { "Patient/renji-cascade-p1/_history/2", "ResearchSubject/renji-cascade-rs1/_history/2", "Observation/renji-cascade-o1/_history/2" })
            Assert.Contains(gone, named);
    }
}
