using FhirTrial.Fhir.Validation;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Tests.Validation;

/// <summary>An unknown profile claimed in meta.profile is a warning as the reference validator says, and an unknown
/// extension is as the Firely validator says, except where failing closed protects the trial's data.</summary>
public sealed class UnresolvedDefinitionsTests
{
    private static OperationOutcome.IssueSeverity? After(Resource resource, string url, string? requested = null) =>
        After(resource, OperationOutcome.IssueSeverity.Error, $"Unable to resolve reference to profile '{url}'.", requested);

    private static OperationOutcome.IssueSeverity? After(Resource resource, OperationOutcome.IssueSeverity severity, string text, string? requested = null)
    {
        var outcome = new OperationOutcome
        {
            Issue = [new() { Severity = severity, Code = OperationOutcome.IssueType.Incomplete, Details = new CodeableConcept { Text = text } }],
        };
        UnresolvedDefinitions.Apply(outcome, resource, requested);
        return outcome.Issue.Single().Severity;
    }

    private static OperationOutcome.IssueSeverity? AfterExtension(Resource resource, string url) =>
        After(resource, OperationOutcome.IssueSeverity.Warning, $"Unable to resolve reference to extension '{url}'.");

    private const string OtherVersionsExtension = "http://hl7.org/fhir/1.0/StructureDefinition/extension-Patient.animal";

    [Fact]
    public void Another_FHIR_versions_extension_on_the_trials_data_is_an_error() =>
        Assert.Equal(OperationOutcome.IssueSeverity.Error, AfterExtension(new Patient(), OtherVersionsExtension));

    [Fact]
    public void Another_FHIR_versions_extension_elsewhere_stays_a_warning() =>
        Assert.Equal(OperationOutcome.IssueSeverity.Warning,
            AfterExtension(new ValueSet(), "http://hl7.org/fhir/5.0/StructureDefinition/extension-ValueSet.expansion.contains.property"));

    [Theory]
    [InlineData("http://acme.org/fhir/StructureDefinition/shoe-size")]
    [InlineData("http://hl7.org/fhir/test/StructureDefinition/version-range")]
    public void Another_unknown_extension_stays_a_warning(string url) =>
        Assert.Equal(OperationOutcome.IssueSeverity.Warning, AfterExtension(new Patient(), url));

    private static T Claiming<T>(T resource, string url) where T : Resource
    {
        resource.Meta = new Meta { Profile = [url] };
        return resource;
    }

    private const string Elsewhere = "https://gematik.de/fhir/ISiK/StructureDefinition/ISiKPatient";

    [Fact]
    public void A_claim_on_a_type_outside_the_trials_data_becomes_a_warning() =>
        Assert.Equal(OperationOutcome.IssueSeverity.Warning, After(Claiming(new Composition(), Elsewhere), Elsewhere));

    [Fact]
    public void A_claim_inside_a_Bundle_becomes_a_warning()
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Entry = [new() { Resource = Claiming(new Patient(), Elsewhere) }] };
        Assert.Equal(OperationOutcome.IssueSeverity.Warning, After(bundle, Elsewhere));
    }

    [Fact]
    public void Another_FHIR_versions_core_profile_becomes_a_warning()
    {
        const string r5 = "http://hl7.org/fhir/5.0/StructureDefinition/Bundle";
        Assert.Equal(OperationOutcome.IssueSeverity.Warning, After(Claiming(new Bundle(), r5), r5));
    }

    [Fact]
    public void A_claim_on_the_trials_own_data_types_stays_an_error() =>
        Assert.Equal(OperationOutcome.IssueSeverity.Error, After(Claiming(new Observation(), Elsewhere), Elsewhere));

    [Theory]
    [InlineData(TrialPackage.Canon + "/StructureDefinition/no-such-profile")]
    [InlineData("http://hl7.org/fhir/StructureDefinition/no-such-profile")]
    public void An_unknown_profile_in_the_trials_or_the_core_space_stays_an_error(string url) =>
        Assert.Equal(OperationOutcome.IssueSeverity.Error, After(Claiming(new Composition(), url), url));

    [Fact]
    public void A_profile_the_caller_asked_for_stays_an_error() =>
        Assert.Equal(OperationOutcome.IssueSeverity.Error, After(Claiming(new Composition(), Elsewhere), Elsewhere, requested: Elsewhere));

    [Fact]
    public void A_profile_not_claimed_by_the_resource_stays_an_error() =>
        Assert.Equal(OperationOutcome.IssueSeverity.Error, After(new Composition(), Elsewhere));
}
