using System.Text.Json.Nodes;
using FhirTrial.Fhir.Package;
using FhirTrial.Fhir.Serialization;
using Hl7.Fhir.Model;
using Microsoft.OpenApi;

namespace FhirTrial.Server.Docs;

/// <summary>
/// Example resources for the OpenAPI document, one per type, from <c>fhir-examples/</c>: the study fixture first, then
/// the resources of the first cohort Bundle. Without that folder (a bare deployment) the document has no examples.
/// </summary>
public sealed class ExampleResources
{
    private readonly Dictionary<string, Resource> _byType = new(StringComparer.Ordinal);

    public ExampleResources(string? folder)
    {
        if (folder is null || !Directory.Exists(folder)) return;
        foreach (var resource in new ResourceFolder(Path.Combine(folder, "study")).Resources) Add(resource);
        var cohort = Path.Combine(folder, "cohort", "Bundle-cohort-01.json");
        if (File.Exists(cohort) && FhirSerializer.ParseJson(File.ReadAllText(cohort)) is Bundle bundle)
            foreach (var entry in bundle.Entry) if (entry.Resource is { } resource) Add(resource);
    }

    public static ExampleResources FromRepository() => new(ProjectFolders.Find("fhir-examples"));

    public IReadOnlyDictionary<string, Resource> ByType => _byType;

    private void Add(Resource resource)
    {
        if (resource.Id is not null) _byType.TryAdd(resource.TypeName, resource);
    }

    /// <summary>The examples as an OpenAPI media type's <c>examples</c>, named "Type/id".</summary>
    public Dictionary<string, IOpenApiExample> Bodies() => _byType.Values.ToDictionary(
        r => $"{r.TypeName}/{r.Id}",
        r => (IOpenApiExample)new OpenApiExample { Summary = $"{r.TypeName}/{r.Id} (fhir-examples)", Value = JsonNode.Parse(FhirSerializer.ToJson(r)) },
        StringComparer.Ordinal);

    /// <summary>The example ids as a path parameter's <c>examples</c>.</summary>
    public Dictionary<string, IOpenApiExample> Ids() => _byType.Values.ToDictionary(
        r => $"{r.TypeName}/{r.Id}",
        r => (IOpenApiExample)new OpenApiExample { Summary = $"a {r.TypeName} id", Value = JsonValue.Create(r.Id) },
        StringComparer.Ordinal);
}
