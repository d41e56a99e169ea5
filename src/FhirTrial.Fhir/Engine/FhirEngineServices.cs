using FhirTrial.Fhir.Indexing;
using FhirTrial.Fhir.Search;
using FhirTrial.Fhir.Storage;
using FhirTrial.Fhir.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FhirTrial.Fhir.Engine;

/// <summary>Wires the FHIR engine: the trial package, the registry, index extraction, search parsing, the interactions
/// and Bundle processing. Every host, tool and test gets its registry here, so all index and search alike.</summary>
public static class FhirEngineServices
{
    /// <param name="profilesFolder">The trial package folder; null: <c>profiles/</c> found above the application.
    /// A <see cref="TrialPackage"/> registered before this call is used instead.</param>
    public static IServiceCollection AddFhirEngine(this IServiceCollection services, string? profilesFolder = null)
    {
        services.TryAddSingleton(_ => TrialPackage.Load(profilesFolder));
        services.AddSingleton(sp => new SearchParameterRegistry(sp.GetRequiredService<TrialPackage>().SearchParameters));
        services.AddSingleton<IndexExtractor>();
        services.AddSingleton<SearchParser>();
        services.AddSingleton<ResourceService>();
        services.AddSingleton<SearchService>();
        services.AddSingleton<BundleProcessor>();
        services.AddSingleton<WritePathWarmup>();
        services.AddSingleton<IFhirOperation, EverythingOperation>();
        return services;
    }

    /// <summary>
    /// The engine over one store, wired by <see cref="AddFhirEngine"/>, for tools and tests that run without a host.
    /// The write validator is named, never defaulted: profile validation is off only where the caller says so.
    /// </summary>
    public static ServiceProvider BuildFhirEngine(this IFhirStore store, IWriteValidator validator, TrialPackage? package = null,
        WriteRules? rules = null, Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection();
        if (package is not null) services.AddSingleton(package);
        services.AddSingleton(store);
        services.AddSingleton(validator);
        if (rules is not null) services.AddSingleton(rules);
        services.AddFhirEngine();
        more?.Invoke(services);
        return services.BuildServiceProvider();
    }
}
