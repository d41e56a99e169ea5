using FhirTrial.Fhir.Engine;
using FhirTrial.Storage.Sqlite;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;

namespace FhirTrial.Cli.Tests;

/// <summary><c>fhirtrial check-references</c> on a store written with referential integrity off (as a migration does).</summary>
public sealed class CheckReferencesTests
{
    private static Observation About(string id, string subject) => new()
    {
        Id = id, Status = ObservationStatus.Final, Code = new CodeableConcept("http://loinc.org", "8302-2"), Subject = new ResourceReference(subject),
    };

    private static async Task<string> StoreAsync(params Resource[] resources)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("fhirtrial-check-").FullName, "fhir.db");
        var store = new SqliteFhirStore($"Data Source={file}");
        await store.MigrateAsync(default);
        await using var engine = store.BuildFhirEngine(new NoWriteValidation(), rules: new WriteRules(ReferentialIntegrity: false));
        var migration = engine.GetRequiredService<ResourceService>();
        foreach (var resource in resources) await migration.UpdateAsync(resource.TypeName, resource.Id!, resource, null, default);
        return file;
    }

    [Fact]
    public async Task Reports_each_dangling_reference_with_its_element_and_exits_1()
    {
        var file = await StoreAsync(
            new Patient { Id = "p1" },
            About("fine", "Patient/p1"),
            About("gone", "Patient/never-written"),
            About("future", "Patient/p1/_history/5"),
            About("absolute", "http://public.example/fhir/Patient/nope"),
            About("elsewhere", "http://other.example/fhir/Patient/nope"));

        var (exit, output) = await Cli.RunAsync(null, "check-references", "--sqlite", file, "--base", "http://public.example/fhir");

        Assert.True(exit == ExitCodes.DataErrors, output);
        Assert.Contains("Observation/gone", output);
        Assert.Contains("Observation.subject", output);
        Assert.Contains("Patient/never-written", output);
        Assert.Contains("Patient/p1/_history/5", output);
        Assert.Contains("Observation/absolute", output);
        Assert.DoesNotContain("Observation/fine", output);
        Assert.DoesNotContain("Observation/elsewhere", output);
        Assert.Contains("3 dangling reference(s) in 3 of 6 resource(s)", output);
    }

    [Fact]
    public async Task A_whole_store_passes_and_a_missing_store_is_a_usage_error()
    {
        var file = await StoreAsync(new Patient { Id = "p1" }, About("fine", "Patient/p1"));

        var (exit, output) = await Cli.RunAsync(null, "check-references", "--sqlite", file);
        Assert.True(exit == ExitCodes.Ok, output);
        Assert.Contains("every local reference resolves", output);

        (exit, _) = await Cli.RunAsync(null, "check-references", "--sqlite", file + ".missing");
        Assert.Equal(ExitCodes.Usage, exit);
    }
}
