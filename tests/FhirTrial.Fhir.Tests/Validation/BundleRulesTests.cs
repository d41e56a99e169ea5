using FhirTrial.Fhir.Validation;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Tests.Validation;

/// <summary>The R4 Bundle rules the Firely validator does not check (bundle.html#references, Bundle.entry.fullUrl,
/// bdl-7, search-entry-mode).</summary>
public sealed class BundleRulesTests
{
    private static Bundle Of(Bundle.BundleType type, params (string? FullUrl, Resource Resource)[] entries) => new()
    {
        Type = type,
        Entry = entries.Select(e => new Bundle.EntryComponent { FullUrl = e.FullUrl, Resource = e.Resource }).ToList(),
    };

    private static List<OperationOutcome.IssueComponent> Check(Bundle bundle) => BundleRules.Check(bundle).ToList();

    [Fact]
    public void A_consistent_Bundle_has_no_issues()
    {
        var bundle = Of(Bundle.BundleType.Collection,
            ("http://x.org/fhir/Patient/1", new Patient { Id = "1" }),
            ("http://x.org/fhir/Observation/2", new Observation { Id = "2", Subject = new ResourceReference("Patient/1") }),
            ("urn:uuid:5d9588d8-3cd6-4b32-8fb7-ad13694e069d", new Observation { Subject = new ResourceReference("http://elsewhere.org/Patient/9") }));
        Assert.Empty(Check(bundle));
    }

    [Fact]
    public void Resources_that_are_not_Bundles_are_not_checked() => Assert.Empty(BundleRules.Check(new Patient()));

    [Fact]
    public void A_relative_fullUrl_is_refused()
    {
        var issue = Assert.Single(Check(Of(Bundle.BundleType.Collection, ("Patient/1", new Patient { Id = "1" }))));
        Assert.Equal("Bundle.entry[0].fullUrl", issue.Expression.Single());
        Assert.Contains("absolute", issue.Diagnostics);
    }

    [Theory]
    [InlineData("http://x.org/fhir/Patient/2", "1", "id '2'")]
    [InlineData("http://x.org/fhir/Patient/1", null, "no id")]
    [InlineData("http://x.org/fhir/Organization/1", "1", "names a Organization")]
    public void A_RESTful_fullUrl_must_agree_with_the_resource(string fullUrl, string? id, string says)
    {
        var issue = Assert.Single(Check(Of(Bundle.BundleType.Collection, (fullUrl, new Patient { Id = id }))));
        Assert.Contains(says, issue.Diagnostics);
    }

    [Fact]
    public void A_resource_to_be_created_needs_no_id()
    {
        var bundle = Of(Bundle.BundleType.Transaction, ("http://x.org/fhir/Patient/1", new Patient()));
        bundle.Entry[0].Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Patient" };
        Assert.Empty(Check(bundle));
    }

    [Fact]
    public void A_reference_that_resolves_to_an_entry_of_another_type_is_refused()
    {
        var bundle = Of(Bundle.BundleType.Collection,
            ("http://x.org/fhir/Practitioner/1", new Organization { Id = "1" }),
            ("http://x.org/fhir/Patient/2", new Patient { Id = "2", GeneralPractitioner = [new ResourceReference("Practitioner/1")] }));
        var issues = Check(bundle);
        Assert.Contains(issues, i => i.Expression.Single() == "Bundle.entry[1].resource[0].generalPractitioner[0]" && (i.Diagnostics ?? "").Contains("is a Organization"));
    }

    [Fact]
    public void A_relative_reference_from_an_entry_without_a_RESTful_base_matches_the_urn_uuid_of_its_id()
    {
        const string id = "5d9588d8-3cd6-4b32-8fb7-ad13694e069d";
        var bundle = Of(Bundle.BundleType.Collection,
            ($"urn:uuid:{id}", new Organization()),
            ("urn:uuid:0f0b5bd2-6a5b-4d8c-9d0e-6d0b2c1b8a11", new Patient { GeneralPractitioner = [new ResourceReference($"Practitioner/{id}")] }));
        Assert.Contains(Check(bundle), i => (i.Diagnostics ?? "").Contains("is a Organization"));
    }

    [Fact]
    public void A_reference_to_nothing_in_the_Bundle_is_external_and_not_checked()
    {
        var bundle = Of(Bundle.BundleType.Collection,
            ("http://x.org/fhir/Patient/2", new Patient { Id = "2", ManagingOrganization = new ResourceReference("Organization/absent") }));
        Assert.Empty(Check(bundle));
    }

    private static Observation Version(string id, string version) => new() { Id = id, Meta = new Meta { VersionId = version } };

    [Fact]
    public void An_unversioned_reference_matching_two_versions_is_ambiguous()
    {
        var bundle = Of(Bundle.BundleType.Collection,
            ("http://x.org/fhir/Observation/o", Version("o", "1")),
            ("http://x.org/fhir/Observation/o", Version("o", "2")),
            ("http://x.org/fhir/Patient/p", new Patient { Id = "p", Link = [new() { Other = new ResourceReference("Observation/o"), Type = Patient.LinkType.Seealso }] }));
        Assert.Contains(Check(bundle), i => i.Code == OperationOutcome.IssueType.MultipleMatches);
        bundle.Type = Bundle.BundleType.History; // a history holds every version of one resource
        Assert.DoesNotContain(Check(bundle), i => i.Code == OperationOutcome.IssueType.MultipleMatches);
    }

    [Fact]
    public void A_versioned_reference_in_a_document_must_find_its_version()
    {
        var composition = new Composition { Id = "c", Section = [new() { Entry = [new ResourceReference("Observation/o/_history/3"), new ResourceReference("Observation/o/_history/2")] }] };
        var bundle = Of(Bundle.BundleType.Document,
            ("http://x.org/fhir/Composition/c", composition),
            ("http://x.org/fhir/Observation/o", Version("o", "1")),
            ("http://x.org/fhir/Observation/o", Version("o", "2")));
        var issue = Assert.Single(Check(bundle));
        Assert.Equal("Bundle.entry[0].resource[0].section[0].entry[0]", issue.Expression.Single());
        Assert.Equal(OperationOutcome.IssueType.NotFound, issue.Code);
    }

    [Fact]
    public void Search_results_have_ids_and_outcomes_are_OperationOutcomes()
    {
        var bundle = Of(Bundle.BundleType.Searchset,
            ("http://x.org/fhir/Immunization/i", new Immunization { Id = "i" }),
            ("urn:uuid:0f0b5bd2-6a5b-4d8c-9d0e-6d0b2c1b8a11", new Observation()),
            ("urn:uuid:1f0b5bd2-6a5b-4d8c-9d0e-6d0b2c1b8a11", new OperationOutcome()));
        bundle.Entry[0].Search = new() { Mode = Bundle.SearchEntryMode.Outcome };
        bundle.Entry[1].Search = new() { Mode = Bundle.SearchEntryMode.Match };
        bundle.Entry[2].Search = new() { Mode = Bundle.SearchEntryMode.Outcome };
        var issues = Check(bundle);
        Assert.Equal(2, issues.Count);
        Assert.Contains(issues, i => i.Expression.Single() == "Bundle.entry[0].resource[0]" && (i.Diagnostics ?? "").Contains("OperationOutcome"));
        Assert.Contains(issues, i => i.Expression.Single() == "Bundle.entry[1].resource[0]" && (i.Diagnostics ?? "").Contains("must have an id"));
    }
}
