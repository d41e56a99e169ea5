using System.Net;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Validation;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Tests.Validation;

/// <summary>The recist-target-measurement profile, named explicitly or claimed in meta.profile.</summary>
[Collection(ValidationCollection.Name)]
public sealed class TargetMeasurementTests(ValidatorFixture fixture)
{
    private const string Profile = TrialPackage.Canon + "/StructureDefinition/recist-target-measurement";

    private static Observation Measurement(decimal value = 42, string unit = "mm") => new()
    {
        Status = ObservationStatus.Final,
        Code = new CodeableConcept("http://loinc.org", "21889-1"),
        Subject = new ResourceReference("Patient/p1"),
        Focus = [new ResourceReference("BodyStructure/t1")],
        Effective = new FhirDateTime("2025-03-03"),
        Value = new Quantity(value, unit, "http://unitsofmeasure.org"),
    };

    private async Task<IReadOnlyList<string>> ErrorsAsync(Resource resource, string? profile = Profile)
    {
        var outcome = await fixture.Service.ValidateAsync(resource, profile, CancellationToken.None);
        return outcome.Issue.Where(ValidatorFixture.IsError)
            .SelectMany(i => i.Expression.Select(e => $"{e}")).ToList();
    }

    [Fact]
    public async Task A_measurement_in_mm_with_its_lesion_passes() => Assert.Empty(await ErrorsAsync(Measurement()));

    [Fact]
    public async Task A_disappeared_lesion_measures_zero() => Assert.Empty(await ErrorsAsync(Measurement(0)));

    [Fact]
    public async Task Centimetres_are_refused_at_the_unit_code() =>
        Assert.Contains("Observation.value[0].code[0]", await ErrorsAsync(Measurement(4.2m, "cm")));

    [Fact]
    public async Task A_negative_size_is_refused() =>
        Assert.Contains("Observation.value[0]", await ErrorsAsync(Measurement(-1)));

    [Fact]
    public async Task A_measurement_without_its_lesion_is_refused_at_focus()
    {
        var observation = Measurement();
        observation.Focus.Clear();
        Assert.Contains("Observation.focus", await ErrorsAsync(observation));
    }

    [Fact]
    public async Task A_claimed_profile_is_checked_without_naming_it()
    {
        var observation = Measurement(4.2m, "cm");
        observation.Meta = new Meta { Profile = [Profile] };
        Assert.Contains("Observation.value[0].code[0]", await ErrorsAsync(observation, profile: null));
    }

    [Fact]
    public async Task Without_a_profile_only_the_base_spec_applies() =>
        Assert.Empty(await ErrorsAsync(Measurement(4.2m, "cm"), profile: null));

    [Fact]
    public void Trial_profiles_are_recognized_in_meta_profile()
    {
        Assert.True(ProfileValidationService.ClaimsTrialProfile(new Observation { Meta = new Meta { Profile = [Profile] } }));
        Assert.False(ProfileValidationService.ClaimsTrialProfile(new Observation
            { Meta = new Meta { Profile = ["http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-tumor-size"] } }));
        Assert.False(ProfileValidationService.ClaimsTrialProfile(new Observation()));
    }

    [Fact]
    public async Task The_write_validator_refuses_with_422_naming_the_element()
    {
        var observation = Measurement(4.2m, "cm");
        observation.Meta = new Meta { Profile = [Profile] };
        var error = await Assert.ThrowsAsync<FhirException>(
            () => new ProfileWriteValidator(fixture.Service).ValidateAsync(observation, CancellationToken.None));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Status);
        Assert.Contains(error.Outcome.Issue, i => i.Expression.Contains("Observation.value[0].code[0]"));
    }

    [Fact]
    public async Task The_write_validator_lets_unclaimed_resources_through() =>
        await new ProfileWriteValidator(fixture.Service).ValidateAsync(Measurement(4.2m, "cm"), CancellationToken.None);

    [Fact]
    public async Task Many_parallel_validations_all_complete()
    {
        var calls = Enumerable.Range(0, 64).Select(i => ErrorsAsync(Measurement(i % 2 == 0 ? 10 : 4.2m, i % 2 == 0 ? "mm" : "cm")));
        var results = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromMinutes(1));
        Assert.All(results.Where((_, i) => i % 2 == 0), Assert.Empty);
        Assert.All(results.Where((_, i) => i % 2 == 1), Assert.NotEmpty);
    }
}
