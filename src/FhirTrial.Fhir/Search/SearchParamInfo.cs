using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Search;

/// <summary>A search parameter as it applies to one resource type, with the FHIRPath used to extract its values.</summary>
/// <param name="TargetTypes">For references: the resource types a value may point at (empty = any).</param>
/// <param name="Components">For composites: the component parameters, each with its expression relative to the composite's element.</param>
public sealed record SearchParamInfo(
    string ResourceType,
    string Name,
    SearchParamType Type,
    string Expression,
    string Url,
    IReadOnlyList<string> TargetTypes,
    IReadOnlyList<CompositeComponent> Components)
{
    public bool IsComposite => Type == SearchParamType.Composite;
}

public sealed record CompositeComponent(string DefinitionUrl, string Expression);
