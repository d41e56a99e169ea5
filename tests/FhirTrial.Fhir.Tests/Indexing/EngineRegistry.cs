using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Indexing;
using Microsoft.Extensions.DependencyInjection;

namespace FhirTrial.Fhir.Tests.Indexing;

/// <summary>The registry every host gets from <c>AddFhirEngine</c>: the base specification's SearchParameters and the
/// trial package's, so extraction is tested on what production indexes.</summary>
internal static class EngineRegistry
{
    public static SearchParameterRegistry Instance { get; } =
        new ServiceCollection().AddFhirEngine().BuildServiceProvider().GetRequiredService<SearchParameterRegistry>();
}
