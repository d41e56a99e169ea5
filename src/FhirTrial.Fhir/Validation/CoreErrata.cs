using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;

namespace FhirTrial.Fhir.Validation;

/// <summary>
/// Corrects a definition of the R4 core specification that contradicts the specification itself. The extension
/// <c>structuredefinition-fhir-type</c> declares the context <c>ElementDefinition.type.code</c>, yet R4's own snapshots
/// (profiles-types.xml, e.g. <c>Extension.id</c>) put it on <c>ElementDefinition.type</c>, where later versions of the
/// extension (FHIR extensions pack) allow it and the HL7 reference validator accepts it. Without the correction every
/// StructureDefinition written the way R4's own are is refused.
/// </summary>
internal sealed class CoreErrata(IAsyncResourceResolver inner) : IAsyncResourceResolver
{
    public const string FhirTypeExtension = "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type";

    public async Task<ResolverResult> TryResolveByUriAsync(string uri) => Correct(await inner.TryResolveByUriAsync(uri));

    public async Task<ResolverResult> TryResolveByCanonicalUriAsync(string uri) => Correct(await inner.TryResolveByCanonicalUriAsync(uri));

    [Obsolete("Use TryResolveByUriAsync")]
    public async Task<Resource?> ResolveByUriAsync(string uri) => (await TryResolveByUriAsync(uri)).Value;

    [Obsolete("Use TryResolveByCanonicalUriAsync")]
    public async Task<Resource?> ResolveByCanonicalUriAsync(string uri) => (await TryResolveByCanonicalUriAsync(uri)).Value;

    private static ResolverResult Correct(ResolverResult result)
    {
        if (result.Value is not StructureDefinition { Url: FhirTypeExtension } definition
            || definition.Context.Any(c => c.Expression == "ElementDefinition.type"))
            return result;
        // the source may hand out the instance it keeps: correct a copy
        var corrected = (StructureDefinition)definition.DeepCopy();
        corrected.Context.Add(new StructureDefinition.ContextComponent
        {
            Type = StructureDefinition.ExtensionContextType.Element,
            Expression = "ElementDefinition.type",
        });
        return new ResolverResult(corrected);
    }
}
