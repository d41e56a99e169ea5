using FhirTrial.Fhir.Indexing;
using FhirTrial.Fhir.Search;
using Microsoft.Extensions.DependencyInjection;

namespace FhirTrial.Fhir.Engine;

/// <summary>Wires the FHIR engine: registry, index extraction, search parsing, the interactions and Bundle processing.</summary>
public static class FhirEngineServices
{
    public static IServiceCollection AddFhirEngine(this IServiceCollection services)
    {
        services.AddSingleton<SearchParameterRegistry>(sp => new SearchParameterRegistry(
            sp.GetServices<ICustomSearchParameterSource>().SelectMany(s => s.SearchParameters)));
        services.AddSingleton<IndexExtractor>();
        services.AddSingleton<SearchParser>();
        services.AddSingleton<ResourceService>();
        services.AddSingleton<SearchService>();
        services.AddSingleton<BundleProcessor>();
        services.AddSingleton<IFhirOperation, EverythingOperation>();
        return services;
    }
}

/// <summary>A source of SearchParameters beyond the spec's (the trial package).</summary>
public interface ICustomSearchParameterSource
{
    IEnumerable<Hl7.Fhir.Model.SearchParameter> SearchParameters { get; }
}
