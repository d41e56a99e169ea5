using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Indexing;
using FhirTrial.Fhir.Validation;
using Microsoft.Extensions.DependencyInjection;

namespace FhirTrial.Trial.Fhir.Tests;

/// <summary>The trial tests run with the registry production uses: the trial package's SearchParameters included.</summary>
public sealed class EngineWiringTests : IAsyncLifetime
{
    private readonly TrialStore _trial = new();

    public Task InitializeAsync() => _trial.InitializeAsync();
    public Task DisposeAsync() => _trial.DisposeAsync();

    [Fact]
    public void The_trial_tests_index_with_the_server_registry()
    {
        static List<string?> Urls(SearchParameterRegistry registry) => registry.Custom.Select(sp => sp.Url).Order().ToList();
        using var server = new ServiceCollection().AddFhirEngine().BuildServiceProvider();
        var production = Urls(server.GetRequiredService<SearchParameterRegistry>());

        Assert.Equal(TrialPackage.Load().SearchParameters.Select(sp => sp.Url).Order().ToList(), production);
        Assert.Contains("http://fhirtrial.example.org/fhir/SearchParameter/AdverseEvent-ctcae-grade", production);
        Assert.Equal(production, Urls(_trial.Services.GetRequiredService<SearchParameterRegistry>()));
    }
}
