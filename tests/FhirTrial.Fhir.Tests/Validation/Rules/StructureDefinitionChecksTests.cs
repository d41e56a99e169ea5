using FhirTrial.Fhir.Validation;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Tests.Validation.Rules;

/// <summary>A StructureDefinition sent without a snapshot must be one a snapshot can be generated from; R4's own
/// definitions (fhir-type extension on ElementDefinition.type) are valid.</summary>
[Collection(ValidationCollection.Name)]
public sealed class StructureDefinitionChecksTests(ValidatorFixture fixture)
{
    private static StructureDefinition Profile(string path, string id) => new()
    {
        Url = "https://trial.example.net/StructureDefinition/observation-test",
        Name = "ObservationTest",
        Status = PublicationStatus.Draft,
        Kind = StructureDefinition.StructureDefinitionKind.Resource,
        Abstract = false,
        Type = "Observation",
        BaseDefinition = "http://hl7.org/fhir/StructureDefinition/Observation",
        Derivation = StructureDefinition.TypeDerivationRule.Constraint,
        Differential = new StructureDefinition.DifferentialComponent
        {
            Element = [new ElementDefinition { ElementId = id, Path = path, Min = 1 }],
        },
    };

    private async Task<List<string>> ErrorsAsync(Resource resource) =>
        (await fixture.Service.ValidateAsync(resource, null, CancellationToken.None)).Issue.Where(ValidatorFixture.IsError)
            .Select(i => $"{string.Join(",", i.Expression)}: {i.Diagnostics ?? i.Details?.Text}").ToList();

    [Fact]
    public async Task A_differential_on_a_path_the_base_lacks_is_an_error()
    {
        var errors = await ErrorsAsync(Profile("Observation.valueBla", "Observation.valueQuantity"));
        Assert.Contains(errors, e => e.StartsWith("StructureDefinition: Error generating the snapshot", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_differential_on_the_base_passes() =>
        Assert.Empty(await ErrorsAsync(Profile("Observation.subject", "Observation.subject")));

    [Fact]
    public async Task The_trial_packages_profiles_generate_their_snapshots()
    {
        foreach (var profile in TrialPackage.Load(RepoPaths.Profiles).Resources.OfType<StructureDefinition>())
            Assert.DoesNotContain(await ErrorsAsync(profile), e => e.Contains("Error generating the snapshot", StringComparison.Ordinal));
    }

    [Fact]
    public async Task R4s_own_definitions_carry_the_fhir_type_extension_where_they_do()
    {
        var extension = (StructureDefinition)(await fixture.Service.ResolveAsync("http://hl7.org/fhir/StructureDefinition/Extension"))!.DeepCopy();
        Assert.Contains(extension.Snapshot!.Element, e => e.Type.Any(t => t.Extension.Any(x => x.Url == CoreErrata.FhirTypeExtension)));
        Assert.DoesNotContain(await ErrorsAsync(extension), e => e.Contains("structuredefinition-fhir-type", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_fhir_type_extension_is_still_refused_elsewhere()
    {
        var patient = new Patient { Extension = [new Extension(CoreErrata.FhirTypeExtension, new FhirUrl("string"))] };
        Assert.Contains(await ErrorsAsync(patient), e => e.StartsWith("Patient.extension[0]", StringComparison.Ordinal));
    }
}
