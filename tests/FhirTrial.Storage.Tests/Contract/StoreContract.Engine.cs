using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Indexing;
using FhirTrial.Fhir.Validation;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;

namespace FhirTrial.Storage.Tests.Contract;

/// <summary>The suite runs with the registry production uses: the trial package's SearchParameters included.</summary>
public abstract partial class StoreContract
{
    [Fact]
    public void The_registry_is_the_one_the_server_builds()
    {
        var trialParameters = TrialPackage.Load().SearchParameters.Select(sp => sp.Url).Order().ToList();
        Assert.NotEmpty(trialParameters);
        Assert.Equal(trialParameters, Registry.Custom.Select(sp => sp.Url).Order().ToList());
        using var server = new ServiceCollection().AddFhirEngine().BuildServiceProvider();
        Assert.Equal(trialParameters, server.GetRequiredService<SearchParameterRegistry>().Custom.Select(sp => sp.Url).Order().ToList());
    }

    [Fact]
    public async Task A_trial_search_parameter_is_indexed_and_searchable()
    {
        const string Grade = "http://fhirtrial.example.org/fhir/StructureDefinition/ctcae-grade";
        await PutAllAsync(
            new Patient { Id = "graded" },
            new AdverseEvent { Id = "g3", Actuality = AdverseEvent.AdverseEventActuality.Actual, Subject = new ResourceReference("Patient/graded"), Extension = [new Extension(Grade, new Integer(3))] },
            new AdverseEvent { Id = "g1", Actuality = AdverseEvent.AdverseEventActuality.Actual, Subject = new ResourceReference("Patient/graded"), Extension = [new Extension(Grade, new Integer(1))] });

        Assert.Equal(["g3"], await MatchIdsAsync("AdverseEvent", "ctcae-grade=ge3"));
    }

    [Fact]
    public async Task The_write_path_warm_up_indexes_its_sample_and_stores_nothing()
    {
        var before = await VersionCountAsync();
        var rows = new WritePathWarmup(Resources).Run(rounds: 2);

        // nine resources a round; each of them has index rows (a Patient its identifier, an Observation code and subject ...)
        Assert.True(rows >= 2 * 9, $"{rows} index rows");
        Assert.Equal(before, await VersionCountAsync());
        Assert.Equal(0, await CountAsync("Patient", "identifier=urn:oid:1.2.3|MRN1"));
    }
}
