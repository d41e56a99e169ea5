using FhirTrial.Fhir.Search;
using FhirTrial.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirTrial.Storage.Tests.Contract;

/// <summary>Reading what references a set of patients (a study's subjects): one query per type over the whole set.</summary>
public abstract partial class StoreContract
{
    private static Observation Weight(string id, string subject) => new()
    {
        Id = id, Status = ObservationStatus.Final, Code = new CodeableConcept("http://loinc.org", "29463-7"), Subject = new ResourceReference(subject),
    };

    private async Task<List<string>> ReferringIdsAsync(string type, string param, IReadOnlyCollection<string> patients, params SearchCriterion[] more)
        => (await Store.ReadReferringAsync(type, param, "Patient", patients, None, more)).Select(r => r.Id).Order().ToList();

    [Fact]
    public async Task Reads_the_resources_of_a_type_that_reference_one_of_the_patients()
    {
        await PutAllAsync(
            new Patient { Id = "in-1" }, new Patient { Id = "in-2" }, new Patient { Id = "out" }, new Group { Id = "cohort", Type = Group.GroupType.Person, Actual = true },
            Weight("w1", "Patient/in-1"), Weight("w2", "Patient/in-2"), Weight("w3", "Patient/out"), Weight("w4", "Group/cohort"),
            Weight("gone", "Patient/in-1"),
            new Encounter { Id = "e1", Status = Encounter.EncounterStatus.Finished, Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB"), Subject = new ResourceReference("Patient/in-1") },
            new BodyStructure { Id = "b1", Patient = new ResourceReference("Patient/in-2") },
            new BodyStructure { Id = "b2", Patient = new ResourceReference("Patient/out") });
        await Resources.DeleteAsync("Observation", "gone", null, false, None);

        Assert.Equal(["w1", "w2"], await ReferringIdsAsync("Observation", "subject", ["in-1", "in-2"]));
        Assert.Equal(["e1"], await ReferringIdsAsync("Encounter", "subject", ["in-1", "in-2"]));
        Assert.Equal(["b1"], await ReferringIdsAsync("BodyStructure", "patient", ["in-1", "in-2"]));
        Assert.Equal(["w3"], await ReferringIdsAsync("Observation", "subject", ["out"]));
        Assert.Empty(await ReferringIdsAsync("Observation", "subject", []));
        Assert.Empty(await ReferringIdsAsync("Observation", "subject", ["never-written"]));
    }

    [Fact]
    public async Task A_large_patient_set_is_one_query_that_finds_each_of_them()
    {
        var patients = Enumerable.Range(0, 40).Select(i => $"p{i}").ToList();
        await PutAllAsync([.. patients.Select(p => (Resource)new Patient { Id = p }), .. patients.Select(p => (Resource)Weight("w-" + p, "Patient/" + p))]);
        // far more ids than a statement may hold as separate parameters (SQLite: 32,766)
        var asked = patients.Concat(Enumerable.Range(0, 40_000).Select(i => $"absent-{i}")).ToList();

        Assert.Equal(patients.Select(p => "w-" + p).Order().ToList(), await ReferringIdsAsync("Observation", "subject", asked));
    }

    [Fact]
    public async Task The_site_restriction_applies_in_the_same_query()
    {
        await PutAllAsync(
            new Organization { Id = "site-a" }, new Organization { Id = "site-b" },
            new Patient { Id = "pa", ManagingOrganization = new ResourceReference("Organization/site-a") },
            new Patient { Id = "pb", ManagingOrganization = new ResourceReference("Organization/site-b") },
            Weight("wa", "Patient/pa"), Weight("wb", "Patient/pb"));

        Assert.Equal(["wa", "wb"], await ReferringIdsAsync("Observation", "subject", ["pa", "pb"]));
        Assert.Equal(["wa"], await ReferringIdsAsync("Observation", "subject", ["pa", "pb"], new SiteCriterion("site-a")));
    }
}
