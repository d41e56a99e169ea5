using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Snapshot;
using Hl7.Fhir.Specification.Source;

namespace FhirTrial.Fhir.Validation;

/// <summary>
/// A StructureDefinition sent without a snapshot must be one a snapshot can be generated from (FHIR R4
/// structuredefinition.html, "the differential ... is applied to the base to produce the snapshot"; sdf-6: a snapshot
/// or a differential): a differential naming a path its base does not have (<c>Observation.valueBla</c>) is an error.
/// The Firely validator checks the differential's own elements only; the generator finds what does not apply.
/// </summary>
public static class StructureDefinitionChecks
{
    public static IEnumerable<OperationOutcome.IssueComponent> Check(Resource resource, IAsyncResourceResolver resolver)
    {
        if (resource is not StructureDefinition { Snapshot: null, Differential.Element.Count: > 0 } definition) return [];
        var copy = (StructureDefinition)definition.DeepCopy();
        var generator = new SnapshotGenerator(resolver, SnapshotGeneratorSettings.CreateDefault());
        try
        {
            generator.UpdateAsync(copy).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            // a differential the generator cannot even read is not one a snapshot comes from (fail closed)
            return [ResourceWalk.Error(nameof(StructureDefinition), "Error generating the snapshot: " + e.Message)];
        }
        return generator.Outcome?.Issue
            .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => ResourceWalk.Error(nameof(StructureDefinition), "Error generating the snapshot: " + (i.Details?.Text ?? i.Diagnostics)))
            .ToList() ?? [];
    }
}
