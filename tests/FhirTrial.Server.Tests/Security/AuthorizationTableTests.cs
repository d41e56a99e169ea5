using System.Net;

namespace FhirTrial.Server.Tests.Security;

/// <summary>Every role against every interaction and operation: allowed, forbidden (403), hidden (404: another site's
/// resource is not there for you) or not allowed for anyone (405).</summary>
[Collection(SecuredServerCollection.Name)]
public sealed class AuthorizationTableTests(SecuredServerFactory factory)
{
    public enum Expect { Allow, Forbid, Hidden, NotAllowed, Unprocessable }

    private const Expect A = Expect.Allow, F = Expect.Forbid, H = Expect.Hidden, N = Expect.NotAllowed, U = Expect.Unprocessable;

    /// <summary>One interaction: how to make the request (role, a unique suffix) and what each role in
    /// <see cref="SecuredServerFactory.Roles"/> (renji, zhongshan, researcher, monitor, statistician, admin) gets.</summary>
    private sealed record Case(Func<string, string, HttpRequestMessage> Request, Expect[] Expected);

    private static HttpRequestMessage Get(string url) => new(HttpMethod.Get, url);

    private static HttpRequestMessage Send(HttpMethod method, string url, string json) => new(method, url) { Content = Http.Json(json) };

    private static readonly Dictionary<string, Case> Cases = new()
    {
        // reads: everyone reads renji's patient except zhongshan, to whom it does not exist
        ["read Patient"] = new((_, _) => Get("/fhir/Patient/renji-p1"), [A, H, A, A, A, A]),
        ["vread Patient"] = new((_, _) => Get("/fhir/Patient/renji-p1/_history/1"), [A, H, A, A, A, A]),
        ["read Observation"] = new((_, _) => Get("/fhir/Observation/renji-o1"), [A, H, A, A, A, A]),
        ["search Observation"] = new((_, _) => Get("/fhir/Observation?code=29463-7"), [A, A, A, A, A, A]),
        ["search all types"] = new((_, _) => Get("/fhir?_type=Patient"), [A, A, A, A, A, A]),
        ["history Patient instance"] = new((_, _) => Get("/fhir/Patient/renji-p1/_history"), [A, H, A, A, A, A]),
        ["history Observation type"] = new((_, _) => Get("/fhir/Observation/_history"), [A, A, A, A, A, A]),
        ["history system"] = new((_, _) => Get("/fhir/_history"), [A, A, A, A, A, A]),
        ["read ResearchStudy (shared)"] = new((_, _) => Get("/fhir/ResearchStudy/ak104-rcc-2l"), [A, A, A, A, A, A]),
        ["read Group (shared fixture)"] = new((_, _) => Get("/fhir/Group/ak104-rcc-2l-eligibility"), [A, A, A, A, A, A]),
        ["search AuditEvent"] = new((_, _) => Get("/fhir/AuditEvent"), [F, F, F, A, F, A]),

        // clinical writes: a site writes its own patients' data only (to zhongshan renji's patient is not there: 422, as for
        // a reference to nothing)
        ["create Observation for renji-p1"] = new((_, _) => Send(HttpMethod.Post, "/fhir/Observation", StudyData.Observation(null, "renji-p1")), [A, U, F, F, F, A]),
        ["update Patient renji-p1"] = new((_, _) => Send(HttpMethod.Put, "/fhir/Patient/renji-p1", StudyData.Patient("renji-p1", "renji", "renji-mrn-1")), [A, H, F, F, F, A]),
        ["update-as-create renji Patient"] = new((r, u) => Send(HttpMethod.Put, $"/fhir/Patient/new-{r}-{u}", StudyData.Patient($"new-{r}-{u}", "renji")), [A, F, F, F, F, A]),
        ["patch Observation renji-o1"] = new((_, _) => new HttpRequestMessage(HttpMethod.Patch, "/fhir/Observation/renji-o1")
            { Content = StudyData.JsonPatch("""[{"op":"replace","path":"/status","value":"amended"}]""") }, [A, H, F, F, F, A]),
        ["delete a renji Observation"] = new((r, u) => new HttpRequestMessage(HttpMethod.Delete, $"/fhir/Observation/del-{r}-{u}"), [A, H, F, F, F, A]),
        ["transaction for renji"] = new((r, u) => Send(HttpMethod.Post, "/fhir", StudyData.Transaction("renji", u)), [A, F, F, F, F, A]),

        // the study fixture and conformance resources: admin only
        ["create Organization"] = new((r, u) => Send(HttpMethod.Put, $"/fhir/Organization/org-{r}-{u}", $$"""{"resourceType":"Organization","id":"org-{{r}}-{{u}}","name":"x"}"""), [F, F, F, F, F, A]),
        ["update ResearchStudy"] = new((_, _) => Send(HttpMethod.Put, "/fhir/ResearchStudy/ak104-rcc-2l", ResearchStudyJson), [F, F, F, F, F, A]),
        ["create Group"] = new((_, _) => Send(HttpMethod.Post, "/fhir/Group", """{"resourceType":"Group","type":"person","actual":false}"""), [F, F, F, F, F, A]),
        ["create Medication"] = new((_, _) => Send(HttpMethod.Post, "/fhir/Medication", """{"resourceType":"Medication","status":"active"}"""), [F, F, F, F, F, A]),
        ["create ValueSet"] = new((_, _) => Send(HttpMethod.Post, "/fhir/ValueSet", """{"resourceType":"ValueSet","status":"draft"}"""), [F, F, F, F, F, A]),

        // the audit trail: append-only
        ["create AuditEvent"] = new((_, _) => Send(HttpMethod.Post, "/fhir/AuditEvent", AuditEventJson), [F, F, F, F, F, A]),
        ["update AuditEvent"] = new((_, _) => Send(HttpMethod.Put, "/fhir/AuditEvent/x", AuditEventJson.Replace("{", "{\"id\":\"x\",")), [N, N, N, N, N, N]),
        ["delete AuditEvent"] = new((_, _) => new HttpRequestMessage(HttpMethod.Delete, "/fhir/AuditEvent/x"), [N, N, N, N, N, N]),
        ["conditional delete AuditEvent"] = new((_, _) => new HttpRequestMessage(HttpMethod.Delete, "/fhir/AuditEvent?action=R"), [N, N, N, N, N, N]),

        // operations
        ["$everything renji-p1"] = new((_, _) => Get("/fhir/Patient/renji-p1/$everything"), [A, H, A, A, A, A]),
        ["$expand a core value set"] = new((_, _) => Get("/fhir/ValueSet/$expand?url=http://hl7.org/fhir/ValueSet/administrative-gender"), [A, A, A, A, A, A]),
        ["$lookup a trial code"] = new((_, _) => Get("/fhir/CodeSystem/$lookup?system=http://fhirtrial.example.org/fhir/CodeSystem/recist&code=target"), [A, A, A, A, A, A]),
        ["create Subscription (endpoint off the allow-list)"] = new((_, _) => Send(HttpMethod.Post, "/fhir/Subscription",
            """{"resourceType":"Subscription","status":"requested","reason":"x","criteria":"AdverseEvent","channel":{"type":"rest-hook","endpoint":"https://elsewhere.example/hook"}}"""),
            [U, U, U, F, F, U]),
        ["$validate"] = new((_, _) => Send(HttpMethod.Post, "/fhir/Patient/$validate", StudyData.Patient("v", "renji")), [A, A, A, A, A, A]),
        ["subject operation on renji-rs1"] = new((_, _) => Get("/fhir/ResearchSubject/renji-rs1/$subject-probe"), [A, H, F, F, A, A]),
        ["study-wide operation"] = new((_, _) => Get("/fhir/ResearchStudy/ak104-rcc-2l/$efficacy"), [F, F, F, F, A, A]),
        ["analysis datasets"] = new((_, _) => Get("/fhir/ResearchStudy/ak104-rcc-2l/$analysis-datasets?cutoff=2025-06-30"), [F, F, F, F, A, A]),
        ["bulk $export"] = new((_, _) => Get("/fhir/$export").With("Prefer", "respond-async").With("Accept", "application/fhir+json"), [F, F, F, A, F, A]),
    };

    private const string ResearchStudyJson = """
        {"resourceType":"ResearchStudy","id":"ak104-rcc-2l","status":"active","title":"AK104 with lenvatinib in second-line ccRCC"}
        """;

    private const string AuditEventJson = """
        {"resourceType":"AuditEvent","type":{"system":"http://terminology.hl7.org/CodeSystem/audit-event-type","code":"rest"},
         "recorded":"2025-01-01T00:00:00Z","agent":[{"requestor":true,"who":{"display":"x"}}],"source":{"observer":{"display":"x"}}}
        """;

    public static TheoryData<string, string> Rows()
    {
        var rows = new TheoryData<string, string>();
        foreach (var name in Cases.Keys)
            foreach (var role in SecuredServerFactory.Roles)
                rows.Add(name, role);
        return rows;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Role_gets_what_the_policy_says(string interaction, string role)
    {
        await StudyData.SeedAsync(factory);
        var unique = Guid.NewGuid().ToString("N")[..10];
        if (interaction == "delete a renji Observation")
        {
            using var admin = await factory.ClientForAsync("admin");
            await StudyData.OkAsync(await admin.PutAsync($"/fhir/Observation/del-{role}-{unique}", Http.Json(StudyData.Observation($"del-{role}-{unique}", "renji-p1"))));
        }
        var @case = Cases[interaction];
        var expected = @case.Expected[Array.IndexOf(SecuredServerFactory.Roles, role)];
        using var client = await factory.ClientForAsync(role);
        var response = await client.SendAsync(@case.Request(role, unique));
        var body = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        var because = $"{role} / {interaction}: {status} {body[..Math.Min(body.Length, 400)]}";
        switch (expected)
        {
            case Expect.Allow:
                Assert.True(status is >= 200 and < 300, because);
                break;
            case Expect.Forbid:
                Assert.True(status == 403, because);
                Assert.Contains("OperationOutcome", body);
                break;
            case Expect.Hidden:
                Assert.True(status == 404, because);
                break;
            case Expect.NotAllowed:
                Assert.True(status == 405, because);
                Assert.Contains("OperationOutcome", body);
                break;
            case Expect.Unprocessable:
                // allowed to try; refused for what was sent
                Assert.True(status == 422, because);
                Assert.Contains("OperationOutcome", body);
                break;
        }
    }

    [Theory]
    [InlineData("GET", "/fhir/Patient/renji-p1")]
    [InlineData("GET", "/fhir/Observation")]
    [InlineData("POST", "/fhir")]
    [InlineData("GET", "/fhir/_history")]
    [InlineData("GET", "/fhir/Patient/renji-p1/$everything")]
    [InlineData("GET", "/fhir/ResearchStudy/ak104-rcc-2l/$efficacy")]
    [InlineData("GET", "/fhir/ResearchStudy/ak104-rcc-2l/$analysis-datasets")]
    [InlineData("DELETE", "/fhir/Observation/renji-o1")]
    public async Task Without_a_valid_token_every_FHIR_route_answers_401_as_an_OperationOutcome(string method, string url)
    {
        using var anonymous = factory.CreateClient();
        var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = method == "POST" ? Http.Json("{}") : null });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("OperationOutcome", (string)(await response.BodyAsync())["resourceType"]!);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());

        using var forged = factory.CreateClient();
        forged.DefaultRequestHeaders.Authorization = new("Bearer", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbi1jbGllbnQifQ.");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.SendAsync(new HttpRequestMessage(new HttpMethod(method), url))).StatusCode);
    }

    [Fact]
    public async Task Metadata_and_smart_configuration_are_public_and_announce_SMART()
    {
        using var anonymous = factory.CreateClient();
        var metadata = await anonymous.JsonAsync("/fhir/metadata");
        var security = metadata["rest"]![0]!["security"]!;
        Assert.Equal("SMART-on-FHIR", (string)security["service"]![0]!["coding"]![0]!["code"]!);
        Assert.EndsWith("/auth/token", (string)security["extension"]![0]!["extension"]![0]!["valueUri"]!);
        var auditEvent = metadata["rest"]![0]!["resource"]!.AsArray().Single(r => (string)r!["type"]! == "AuditEvent")!;
        Assert.DoesNotContain(auditEvent["interaction"]!.AsArray(), i => (string)i!["code"]! is "update" or "delete" or "patch");

        foreach (var url in new[] { "/.well-known/smart-configuration", "/fhir/.well-known/smart-configuration" })
        {
            var smart = await anonymous.JsonAsync(url);
            Assert.EndsWith("/auth/token", (string)smart["token_endpoint"]!);
            Assert.Contains(smart["token_endpoint_auth_methods_supported"]!.AsArray(), m => (string)m! == "private_key_jwt");
            Assert.Contains(smart["token_endpoint_auth_signing_alg_values_supported"]!.AsArray(), m => (string)m! == "RS384");
            Assert.Contains(smart["capabilities"]!.AsArray(), m => (string)m! == "client-confidential-asymmetric");
        }
    }

    [Fact]
    public async Task Scopes_narrow_what_a_role_allows()
    {
        await StudyData.SeedAsync(factory);
        using var narrow = await factory.ClientForAsync("narrow"); // renji site, system/Observation.rs only
        Assert.Equal(HttpStatusCode.OK, (await narrow.GetAsync("/fhir/Observation/renji-o1")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await narrow.GetAsync("/fhir/Patient/renji-p1")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await narrow.PostAsync("/fhir/Observation", Http.Json(StudyData.Observation(null, "renji-p1")))).StatusCode);
        // $everything is a Patient read; a system search returns only the types the scopes name
        Assert.Equal(HttpStatusCode.Forbidden, (await narrow.GetAsync("/fhir/Patient/renji-p1/$everything")).StatusCode);
        var all = await narrow.JsonAsync("/fhir?_count=200");
        Assert.All(StudyData.Ids(all), id => Assert.StartsWith("Observation/", id));
        Assert.Contains("Observation/renji-o1", StudyData.Ids(all));
        Assert.DoesNotContain("Observation/zs-o1", StudyData.Ids(all));
    }
}
