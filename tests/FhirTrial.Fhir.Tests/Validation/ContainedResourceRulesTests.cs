using FhirTrial.Fhir.Validation;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Tests.Validation;

/// <summary>ref-1 and dom-3 as R4 states them (checked here instead of by the Firely validator).</summary>
public sealed class ContainedResourceRulesTests
{
    private static List<OperationOutcome.IssueComponent> Errors(Resource resource) =>
        ContainedResourceRules.Check(resource).Where(i => i.Severity == OperationOutcome.IssueSeverity.Error).ToList();

    private static List<OperationOutcome.IssueComponent> Warnings(Resource resource) =>
        ContainedResourceRules.Check(resource).Where(i => i.Severity == OperationOutcome.IssueSeverity.Warning).ToList();

    [Fact]
    public void References_by_display_or_identifier_alone_are_valid()
    {
        var patient = new Patient
        {
            ManagingOrganization = new ResourceReference { Display = "Pete's Veterinary Services" },
            GeneralPractitioner = [new ResourceReference { Identifier = new Identifier("urn:oid:1.2.3", "42") }],
        };
        Assert.Empty(ContainedResourceRules.Check(patient));
    }

    [Fact]
    public void A_local_reference_to_a_contained_resource_is_valid()
    {
        var observation = new Observation
        {
            Contained = [new Patient { Id = "p1" }],
            Subject = new ResourceReference("#p1"),
        };
        Assert.Empty(ContainedResourceRules.Check(observation));
    }

    [Fact]
    public void A_local_reference_to_nothing_contained_breaks_ref_1()
    {
        var observation = new Observation { Subject = new ResourceReference("#missing") };
        var error = Assert.Single(Errors(observation));
        Assert.Equal("Observation.subject[0]", error.Expression.Single());
        Assert.Contains("ref-1", error.Diagnostics);
    }

    [Fact]
    public void A_contained_resource_may_refer_to_its_container_with_a_bare_hash()
    {
        var patient = new Patient
        {
            Contained = [new Provenance { Id = "prov", Target = [new ResourceReference("#")], Agent = [new() { Who = new ResourceReference("#") }] }],
        };
        Assert.Empty(ContainedResourceRules.Check(patient));
    }

    [Fact]
    public void Only_a_contained_resource_may_use_a_bare_hash()
    {
        var observation = new Observation { Subject = new ResourceReference("#") };
        Assert.Contains("ref-1", Assert.Single(Errors(observation)).Diagnostics);
    }

    [Fact]
    public void A_contained_resource_linked_from_the_narrative_is_referenced()
    {
        var composition = new Composition
        {
            Contained = [new Binary { Id = "image", ContentType = "image/png" }],
            Section = [new() { Text = new Narrative { Div = """<div xmlns="http://www.w3.org/1999/xhtml"><img src="#image" alt="x"/></div>""" } }],
        };
        Assert.Empty(ContainedResourceRules.Check(composition));
    }

    [Fact]
    public void An_orphaned_contained_resource_is_a_dom_3_warning()
    {
        var condition = new Condition { Contained = [new Practitioner { Id = "orphan" }] };
        Assert.Empty(Errors(condition));
        var warning = Assert.Single(Warnings(condition));
        Assert.Equal("Condition.contained[0]", warning.Expression.Single());
        Assert.Contains("dom-3", warning.Diagnostics);
    }

    [Fact]
    public void Resources_in_a_Bundle_are_checked_each_as_its_own_container()
    {
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Collection,
            Entry =
            [
                new() { Resource = new Observation { Contained = [new Patient { Id = "p1" }], Subject = new ResourceReference("#p1") } },
                // '#p1' names the first entry's contained Patient, which is not this resource's
                new() { Resource = new Observation { Subject = new ResourceReference("#p1") } },
            ],
        };
        var error = Assert.Single(Errors(bundle));
        Assert.Equal("Bundle.entry[1].resource[0].subject[0]", error.Expression.Single());
    }

    private static OperationOutcome.IssueSeverity? AfterIdComplaint(string location, string id)
    {
        var outcome = new OperationOutcome
        {
            Issue = [new() { Severity = OperationOutcome.IssueSeverity.Error, Code = OperationOutcome.IssueType.Invalid, Expression = [location],
                Details = new CodeableConcept { Text = $@"Value '{id}' does not match regex '[A-Za-z0-9\-\.]{{1,64}}'" } }],
        };
        ContainedResourceRules.Apply(outcome, new Condition());
        return outcome.Issue.Single().Severity;
    }

    [Fact]
    public void A_long_contained_id_is_a_warning_and_a_long_own_id_an_error()
    {
        var id = new string('1', 65);
        Assert.Equal(OperationOutcome.IssueSeverity.Warning, AfterIdComplaint("Condition.contained[0].id[0]", id));
        Assert.Equal(OperationOutcome.IssueSeverity.Error, AfterIdComplaint("Condition.id[0]", id));
        Assert.Equal(OperationOutcome.IssueSeverity.Error, AfterIdComplaint("Condition.contained[0].id[0]", "bad id"));
    }
}
