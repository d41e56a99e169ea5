using System.Net;
using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Errors;
using Hl7.Fhir.Model;

namespace FhirTrial.Storage.Tests.Contract;

/// <summary>Transaction Bundles (all or nothing, <c>urn:uuid:</c> rewriting, conditional references) and batch Bundles.</summary>
public abstract partial class StoreContract
{
    private const string PatientUuid = "urn:uuid:6a1e0f7e-6f8b-4c55-9c1b-000000000001";
    private const string EncounterUuid = "urn:uuid:6a1e0f7e-6f8b-4c55-9c1b-000000000002";

    private static Bundle.EntryComponent Post(Resource resource, string? fullUrl = null, string? ifNoneExist = null) => new()
    {
        FullUrl = fullUrl,
        Resource = resource,
        Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = resource.TypeName, IfNoneExist = ifNoneExist },
    };

    private static Bundle.EntryComponent Put(Resource resource, string url, string? ifMatch = null) => new()
    {
        Resource = resource,
        Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = url, IfMatch = ifMatch },
    };

    private static Bundle.EntryComponent Request(Bundle.HTTPVerb method, string url) => new()
    {
        Request = new Bundle.RequestComponent { Method = method, Url = url },
    };

    private static Bundle Transaction(params Bundle.EntryComponent[] entries) => new() { Type = Bundle.BundleType.Transaction, Entry = [.. entries] };

    private static Bundle Batch(params Bundle.EntryComponent[] entries) => new() { Type = Bundle.BundleType.Batch, Entry = [.. entries] };

    private async Task<Bundle> ProcessAsync(Bundle bundle) => (await Bundles.ProcessAsync(bundle, Context, None)).ToPoco();

    /// <summary>"Type/id" from a response location "Type/id/_history/n".</summary>
    private static string Target(Bundle.EntryComponent responseEntry)
        => string.Join('/', responseEntry.Response!.Location!.Split('/').Take(2));

    [Fact]
    public async Task A_transaction_rewrites_urn_uuid_references_to_the_ids_it_assigns()
    {
        var observation = NewObservation(subject: PatientUuid);
        observation.Encounter = new ResourceReference(EncounterUuid);
        var encounter = new Encounter { Status = Encounter.EncounterStatus.Finished, Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB"), Subject = new ResourceReference(PatientUuid) };

        var response = await ProcessAsync(Transaction(
            Post(observation),
            Post(NewPatient(family: "Uuid"), PatientUuid),
            Post(encounter, EncounterUuid)));

        Assert.Equal(Bundle.BundleType.TransactionResponse, response.Type);
        Assert.All(response.Entry, e => Assert.StartsWith("201", e.Response!.Status));
        var patientRef = Target(response.Entry[1]);
        var encounterRef = Target(response.Entry[2]);
        Assert.StartsWith("Patient/", patientRef);
        var storedObservation = Parse<Observation>(await Resources.ReadAsync("Observation", IdOf(Target(response.Entry[0])), None));
        Assert.Equal(patientRef, storedObservation.Subject!.Reference);
        Assert.Equal(encounterRef, storedObservation.Encounter!.Reference);
        var storedEncounter = Parse<Encounter>(await Resources.ReadAsync("Encounter", IdOf(encounterRef), None));
        Assert.Equal(patientRef, storedEncounter.Subject!.Reference);
        Assert.Single(await MatchIdsAsync("Observation", $"subject={patientRef}"));
        Assert.Single(await MatchIdsAsync("Observation", "patient.family=uuid"));
    }

    [Fact]
    public async Task A_transaction_with_a_failing_entry_leaves_nothing_behind()
    {
        var existing = await CreateAsync(NewPatient(family: "Existing"));
        var doomed = await CreateAsync(NewObservation(subject: $"Patient/{existing.Id}"));
        var before = await VersionCountAsync();
        var stale = Parse<Patient>(existing);
        stale.Name[0].Family = "Changed";

        var error = await Assert.ThrowsAnyAsync<FhirException>(() => ProcessAsync(Transaction(
            Post(NewPatient(family: "Ghost"), PatientUuid),
            Post(NewObservation(subject: PatientUuid)),
            Put(NewPatient(id: "made-up", family: "Ghost"), "Patient/made-up"),
            Request(Bundle.HTTPVerb.DELETE, $"Observation/{doomed.Id}"),
            Put(stale, $"Patient/{existing.Id}", ifMatch: "W/\"7\""))));

        Assert.Equal(HttpStatusCode.PreconditionFailed, error.Status);
        Assert.Equal(before, await VersionCountAsync());
        Assert.Equal(1, await CountAsync("Patient"));
        Assert.Equal([doomed.Id], await MatchIdsAsync("Observation", ""));
        Assert.Empty(await MatchIdsAsync("Patient", "family=ghost"));
        var current = await Resources.ReadAsync("Patient", existing.Id, None);
        Assert.Equal((1, "Existing"), (current.Version, Parse<Patient>(current).Name[0].Family));
    }

    [Fact]
    public async Task A_transaction_referring_to_an_unknown_urn_uuid_fails_and_writes_nothing()
    {
        var error = await Assert.ThrowsAnyAsync<FhirException>(() => ProcessAsync(Transaction(
            Post(NewPatient(family: "Lonely"), PatientUuid),
            Post(NewObservation(subject: "urn:uuid:00000000-0000-0000-0000-00000000dead")))));

        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Contains("Bundle.entry[1]", error.Outcome.Issue[0].Diagnostics);
        Assert.Equal(0, await VersionCountAsync());
    }

    [Fact]
    public async Task A_transaction_resolves_conditional_references_to_the_one_match()
    {
        var patient = await CreateAsync(NewPatient(mrn: "cr-1"));
        await CreateAsync(NewPatient(mrn: "cr-2"));

        var response = await ProcessAsync(Transaction(Post(NewObservation(subject: "Patient?identifier=urn:trial:mrn|cr-1"))));

        var observation = Parse<Observation>(await Resources.ReadAsync("Observation", IdOf(Target(response.Entry[0])), None));
        Assert.Equal($"Patient/{patient.Id}", observation.Subject!.Reference);
    }

    [Theory]
    [InlineData("Patient?identifier=urn:trial:mrn|nobody")]
    [InlineData("Patient?identifier=urn:trial:mrn|twin")]
    public async Task A_conditional_reference_matching_none_or_several_fails_the_transaction_with_412(string reference)
    {
        await CreateAsync(NewPatient(mrn: "twin"));
        await CreateAsync(NewPatient(mrn: "twin"));

        await FailsWith(HttpStatusCode.PreconditionFailed, () => ProcessAsync(Transaction(
            Post(NewPatient(family: "Bystander")),
            Post(NewObservation(subject: reference)))));

        Assert.Equal(2, await CountAsync("Patient"));
        Assert.Equal(0, await CountAsync("Observation"));
    }

    [Fact]
    public async Task A_transaction_conditional_create_reuses_the_match_and_points_references_at_it()
    {
        var existing = await CreateAsync(NewPatient(mrn: "ine-1", family: "Known"));

        var response = await ProcessAsync(Transaction(
            Post(NewPatient(mrn: "ine-1", family: "Again"), PatientUuid, ifNoneExist: "identifier=urn:trial:mrn|ine-1"),
            Post(NewObservation(subject: PatientUuid))));

        Assert.StartsWith("200", response.Entry[0].Response!.Status);
        Assert.Equal($"Patient/{existing.Id}", Target(response.Entry[0]));
        Assert.Equal(1, await CountAsync("Patient"));
        Assert.Equal("Known", Parse<Patient>(await Resources.ReadAsync("Patient", existing.Id, None)).Name[0].Family);
        Assert.Single(await MatchIdsAsync("Observation", $"subject=Patient/{existing.Id}"));
    }

    [Fact]
    public async Task A_transaction_conditional_update_and_delete_use_the_same_rules_as_single_requests()
    {
        var updated = await CreateAsync(NewPatient(mrn: "cu-1", family: "Before"));
        var deleted = await CreateAsync(NewPatient(mrn: "cd-1"));

        await ProcessAsync(Transaction(
            Put(NewPatient(mrn: "cu-1", family: "After"), "Patient?identifier=urn:trial:mrn|cu-1"),
            Request(Bundle.HTTPVerb.DELETE, "Patient?identifier=urn:trial:mrn|cd-1"),
            Put(NewPatient(mrn: "cu-new", family: "Created"), "Patient?identifier=urn:trial:mrn|cu-new")));

        var after = await Resources.ReadAsync("Patient", updated.Id, None);
        Assert.Equal((2, "After"), (after.Version, Parse<Patient>(after).Name[0].Family));
        await FailsWith(HttpStatusCode.Gone, () => Resources.ReadAsync("Patient", deleted.Id, None));
        Assert.Single(await MatchIdsAsync("Patient", "identifier=urn:trial:mrn|cu-new"));
        Assert.Equal(2, await CountAsync("Patient"));
    }

    [Fact]
    public async Task A_transaction_that_changes_one_resource_twice_is_rejected()
    {
        await FailsWith(HttpStatusCode.BadRequest, () => ProcessAsync(Transaction(
            Put(NewPatient(id: "twice", family: "A"), "Patient/twice"),
            Put(NewPatient(id: "twice", family: "B"), "Patient/twice"))));
        await FailsWith(HttpStatusCode.BadRequest, () => ProcessAsync(Transaction(
            Post(NewPatient(), PatientUuid),
            Post(NewPatient(), PatientUuid))));
        Assert.Equal(0, await VersionCountAsync());
    }

    [Fact]
    public async Task A_transaction_json_patch_entry_patches_inside_the_transaction()
    {
        var created = await CreateAsync(NewPatient(family: "Unpatched"));
        var patch = new Binary { ContentType = "application/json-patch+json", Data = System.Text.Encoding.UTF8.GetBytes("""[{"op":"replace","path":"/name/0/family","value":"Patched"}]""") };

        var response = await ProcessAsync(Transaction(new Bundle.EntryComponent
        {
            Resource = patch, Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PATCH, Url = $"Patient/{created.Id}" },
        }));

        Assert.StartsWith("200", response.Entry[0].Response!.Status);
        Assert.Equal("Patched", Parse<Patient>(await Resources.ReadAsync("Patient", created.Id, None)).Name[0].Family);
    }

    [Fact]
    public async Task A_batch_runs_each_entry_on_its_own()
    {
        var existing = await CreateAsync(NewPatient(family: "BatchExisting"));

        var response = await ProcessAsync(Batch(
            Post(NewPatient(family: "BatchNew")),
            Put(Parse<Patient>(existing), $"Patient/{existing.Id}", ifMatch: "W/\"9\""),
            Request(Bundle.HTTPVerb.GET, "Patient/not-there"),
            Post(NewObservation(subject: "Patient?identifier=urn:trial:mrn|nobody")),
            Request(Bundle.HTTPVerb.GET, $"Patient/{existing.Id}"),
            Request(Bundle.HTTPVerb.DELETE, $"Patient/{existing.Id}")));

        Assert.Equal(Bundle.BundleType.BatchResponse, response.Type);
        Assert.Equal(["201", "412", "404", "412", "200", "204"], response.Entry.Select(e => e.Response!.Status![..3]));
        Assert.IsType<OperationOutcome>(response.Entry[1].Response!.Outcome);
        Assert.Single(await MatchIdsAsync("Patient", "family=batchnew"));
        Assert.Equal(0, await CountAsync("Observation"));
        await FailsWith(HttpStatusCode.Gone, () => Resources.ReadAsync("Patient", existing.Id, None));
    }

    [Fact]
    public async Task A_batch_may_not_point_at_another_entrys_urn_uuid()
    {
        var response = await ProcessAsync(Batch(
            Post(NewPatient(family: "Batched"), PatientUuid),
            Post(NewObservation(subject: PatientUuid))));

        Assert.StartsWith("201", response.Entry[0].Response!.Status);
        Assert.StartsWith("400", response.Entry[1].Response!.Status);
        Assert.Equal(0, await CountAsync("Observation"));
    }

    [Fact]
    public async Task Only_transaction_and_batch_Bundles_are_processed()
    {
        await FailsWith(HttpStatusCode.BadRequest, () => Bundles.ProcessAsync(
            new Bundle { Type = Bundle.BundleType.Collection, Entry = [Post(NewPatient())] }, Context, None));
        Assert.Equal(0, await VersionCountAsync());
    }

    [Fact]
    public async Task A_transaction_answers_with_the_representation_when_asked()
    {
        var raw = await Bundles.ProcessAsync(Transaction(Post(NewPatient(family: "Shown"))), Context with { Return = ReturnPreference.Representation }, None);

        var patient = Assert.IsType<Patient>(raw.ToPoco().Entry.Single().Resource);
        Assert.Equal("Shown", patient.Name[0].Family);
        Assert.Equal("1", patient.Meta!.VersionId);
    }
}
