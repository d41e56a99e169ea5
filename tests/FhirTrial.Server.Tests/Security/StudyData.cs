using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace FhirTrial.Server.Tests.Security;

/// <summary>Two sites' patients, pushed by the sites themselves, and what the tests build them from.</summary>
public static class StudyData
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly HashSet<SecuredServerFactory> Seeded = [];

    public static string Patient(string id, string site, string? mrn = null) => """
        {"resourceType":"Patient","id":"@id","identifier":[{"system":"http://@site.example.org/mrn","value":"@mrn"}],
         "gender":"female","birthDate":"1961-02-03","managingOrganization":{"reference":"Organization/@site"}}
        """.Replace("@id", id).Replace("@site", site).Replace("@mrn", mrn ?? id);

    public static string Observation(string? id, string patient, decimal kg = 70) => """
        {"resourceType":"Observation",@id"status":"final",
         "code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},"subject":{"reference":"Patient/@patient"},
         "effectiveDateTime":"2025-02-01","valueQuantity":{"value":@kg,"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"}}
        """.Replace("@id", id is null ? "" : $"\"id\":\"{id}\",").Replace("@patient", patient)
        .Replace("@kg", kg.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static string Subject(string id, string patient) => """
        {"resourceType":"ResearchSubject","id":"@id","status":"on-study","study":{"reference":"ResearchStudy/ak104-rcc-2l"},
         "individual":{"reference":"Patient/@patient"},"period":{"start":"2025-01-29"}}
        """.Replace("@id", id).Replace("@patient", patient);

    /// <summary>A transaction creating a patient (by urn:uuid) and an Observation of it.</summary>
    public static string Transaction(string site, string suffix)
    {
        var uuid = "urn:uuid:11111111-0000-0000-0000-" + suffix.PadLeft(12, '0')[..12];
        var patient = Patient("x", site, $"{site}-tx-{suffix}").Replace("\"id\":\"x\",", "");
        return """
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"fullUrl":"@uuid","resource":@patient,"request":{"method":"POST","url":"Patient"}},
              {"resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},
               "subject":{"reference":"@uuid"},"valueQuantity":{"value":61,"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"}},
               "request":{"method":"POST","url":"Observation"}}]}
            """.Replace("@uuid", uuid).Replace("@patient", patient);
    }

    public static string SiteBundle(string site, string prefix) => """
        {"resourceType":"Bundle","type":"transaction","entry":[
          {"resource":@patient,"request":{"method":"PUT","url":"Patient/@prefix-p1"}},
          {"resource":@subject,"request":{"method":"PUT","url":"ResearchSubject/@prefix-rs1"}},
          {"resource":@observation,"request":{"method":"PUT","url":"Observation/@prefix-o1"}}]}
        """.Replace("@patient", Patient($"{prefix}-p1", site, $"{prefix}-mrn-1")).Replace("@subject", Subject($"{prefix}-rs1", $"{prefix}-p1"))
        .Replace("@observation", Observation($"{prefix}-o1", $"{prefix}-p1")).Replace("@prefix", prefix);

    /// <summary>renji-p1 and zs-p1 with a subject and an Observation each (pushed by their own site), and an admin's
    /// Task (outside the Patient compartment) whose focus is zhongshan's Observation.</summary>
    public static async Task SeedAsync(SecuredServerFactory factory)
    {
        await Gate.WaitAsync();
        try
        {
            if (Seeded.Contains(factory)) return;
            using var renji = await factory.ClientForAsync("renji");
            await OkAsync(await renji.PostAsync("/fhir", Http.Json(SiteBundle("renji", "renji"))));
            using var zhongshan = await factory.ClientForAsync("zhongshan");
            await OkAsync(await zhongshan.PostAsync("/fhir", Http.Json(SiteBundle("zhongshan", "zs"))));
            using var admin = await factory.ClientForAsync("admin");
            await OkAsync(await admin.PutAsync("/fhir/Task/task-focus", Http.Json("""
                {"resourceType":"Task","id":"task-focus","status":"requested","intent":"order","focus":{"reference":"Observation/zs-o1"}}
                """)));
            Seeded.Add(factory);
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>The AuditEvents matching a search, as the monitor reads them.</summary>
    public static async Task<JsonArray> AuditEventsAsync(SecuredServerFactory factory, string query)
    {
        using var monitor = await factory.ClientForAsync("monitor");
        var bundle = await monitor.JsonAsync($"/fhir/AuditEvent?{query}&_count=200");
        return new JsonArray((bundle["entry"]?.AsArray() ?? []).Select(e => e!["resource"]!.DeepClone()).ToArray());
    }

    public static async Task OkAsync(HttpResponseMessage response)
    {
        if ((int)response.StatusCode >= 300)
            Assert.Fail($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public static StringContent JsonPatch(string json)
    {
        var content = new StringContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json-patch+json");
        return content;
    }

    public static async Task<JsonObject> JsonAsync(this HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.BodyAsync();
    }

    /// <summary>The type/id of every entry of a Bundle.</summary>
    public static List<string> Ids(JsonObject bundle)
        => bundle["entry"]?.AsArray().Select(e => e!["resource"]).Where(r => r is not null)
            .Select(r => $"{(string)r!["resourceType"]!}/{(string)r["id"]!}").ToList() ?? [];
}
