using System.Net;
using FhirTrial.Server.Tests.Fuzz;

namespace FhirTrial.Server.Tests.Security;

/// <summary>SQL-shaped values in every kind of search parameter and in ids: answered as data (no match, or 400), never
/// as SQL; nothing is changed and the tables are all still there.</summary>
[Collection(SecuredServerCollection.Name)]
public sealed class InjectionTests(SecuredServerFactory factory)
{
    private static readonly string[] Params =
    [
        "Patient?name={0}", "Patient?family:exact={0}", "Patient?name:contains={0}", "Patient?identifier={0}", "Patient?identifier={0}|{0}",
        "Observation?code={0}", "Observation?code:text={0}", "Observation?subject={0}", "Observation?subject=Patient/{0}",
        "Observation?subject:identifier={0}", "Patient?birthdate={0}", "Patient?_lastUpdated=gt{0}", "RiskAssessment?probability={0}",
        "Observation?value-quantity={0}", "Observation?value-quantity=5|{0}|{0}", "StructureDefinition?url={0}",
        "StructureDefinition?url:below={0}", "Observation?code-value-quantity={0}${0}", "Patient?_id={0}", "Patient?_tag={0}",
        "Patient?_sort={0}", "Patient?_include={0}", "Patient?_has:Observation:subject:code={0}", "Observation?subject:Patient.name={0}",
        "Patient?_count={0}", "Patient?_elements={0}", "Patient?_profile={0}",
    ];

    public static TheoryData<string> Values() => new(FuzzInputs.Nasty.Take(12));

    [Theory]
    [MemberData(nameof(Values))]
    public async Task Injection_shaped_values_are_only_ever_data(string value)
    {
        await StudyData.SeedAsync(factory);
        using var admin = await factory.ClientForAsync("admin");
        var before = await admin.JsonAsync("/fhir/Patient?_summary=count");
        foreach (var template in Params)
        {
            var url = "/fhir/" + string.Format(System.Globalization.CultureInfo.InvariantCulture, template, Uri.EscapeDataString(value));
            var response = await admin.GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode < 500, $"{url}: {(int)response.StatusCode} {body}");
            Assert.DoesNotContain("SQLite", body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("syntax error", body, StringComparison.OrdinalIgnoreCase);
            if (response.StatusCode == HttpStatusCode.OK && template.Contains("name=") && !template.Contains("_"))
                Assert.Empty(StudyData.Ids(await response.BodyAsync()));
        }
        if (!value.Contains('\0')) // a NUL in the path is refused by the HTTP layer before it reaches the server
            foreach (var path in new[] { $"/fhir/Patient/{Uri.EscapeDataString(value)}", $"/fhir/Patient/{Uri.EscapeDataString(value)}/_history" })
                Assert.True((int)(await admin.GetAsync(path)).StatusCode < 500, path);
        Assert.Equal((int)before["total"]!, (int)(await admin.JsonAsync("/fhir/Patient?_summary=count"))["total"]!);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/fhir/Observation?code=29463-7&_include=Observation:subject")).StatusCode);
    }
}
