using System.Net;
using FhirTrial.Fhir.Engine;
using Hl7.Fhir.Model;

namespace FhirTrial.Storage.Tests.Contract;

/// <summary>Create, read, versions, update, patch, soft delete and history.</summary>
public abstract partial class StoreContract
{
    [Fact]
    public async Task Create_assigns_an_id_and_version_1_and_read_returns_the_same_resource()
    {
        var result = await Resources.CreateAsync(NewPatient(family: "Chen", birthDate: "1961-04-02"), null, None);

        Assert.True(result.Created);
        Assert.False(string.IsNullOrEmpty(result.Stored.Id));
        Assert.Equal(1, result.Stored.Version);
        var read = await Resources.ReadAsync("Patient", result.Stored.Id, None);
        // The same JSON tree; a store may re-spell it (PostgreSQL jsonb orders keys and spaces its own way).
        Assert.Null(JsonDifference.Find(System.Text.Json.Nodes.JsonNode.Parse(result.Stored.Json), System.Text.Json.Nodes.JsonNode.Parse(read.Json)));
        var patient = Parse<Patient>(read);
        Assert.Equal(result.Stored.Id, patient.Id);
        Assert.Equal("1", patient.Meta!.VersionId);
        Assert.Equal(read.LastUpdated, patient.Meta.LastUpdated);
        Assert.Equal("Chen", patient.Name[0].Family);
        Assert.Equal("1961-04-02", patient.BirthDate);
    }

    [Fact]
    public async Task Create_ignores_a_client_id_and_assigns_its_own()
    {
        var stored = await CreateAsync(NewPatient(id: "client-chosen"));

        Assert.NotEqual("client-chosen", stored.Id);
        await FailsWith(HttpStatusCode.NotFound, () => Resources.ReadAsync("Patient", "client-chosen", None));
    }

    [Fact]
    public async Task Each_update_adds_one_version_whose_number_is_the_ETag_and_meta_versionId()
    {
        var created = await CreateAsync(NewPatient(family: "One"));
        var patient = Parse<Patient>(created);

        for (int expected = 2; expected <= 4; expected++)
        {
            patient.Name[0].Family = $"V{expected}";
            var updated = await Resources.UpdateAsync("Patient", created.Id, patient, null, None);
            Assert.False(updated.Created);
            Assert.Equal(expected, updated.Stored.Version);
            Assert.Equal($"W/\"{expected}\"", FhirText.ETag(updated.Stored.Version));
            Assert.Equal(expected.ToString(), Parse<Patient>(updated.Stored).Meta!.VersionId);
            Assert.True(updated.Stored.LastUpdated >= created.LastUpdated);
        }
        Assert.Equal("V4", Parse<Patient>(await Resources.ReadAsync("Patient", created.Id, None)).Name[0].Family);
    }

    [Fact]
    public async Task Vread_returns_each_version_as_it_was_written()
    {
        var created = await CreateAsync(NewPatient(family: "Before"));
        var patient = Parse<Patient>(created);
        patient.Name[0].Family = "After";
        await Resources.UpdateAsync("Patient", created.Id, patient, null, None);

        var v1 = Parse<Patient>(await Resources.ReadVersionAsync("Patient", created.Id, 1, None));
        var v2 = Parse<Patient>(await Resources.ReadVersionAsync("Patient", created.Id, 2, None));
        Assert.Equal(("Before", "1"), (v1.Name[0].Family, v1.Meta!.VersionId));
        Assert.Equal(("After", "2"), (v2.Name[0].Family, v2.Meta!.VersionId));
        await FailsWith(HttpStatusCode.NotFound, () => Resources.ReadVersionAsync("Patient", created.Id, 3, None));
    }

    [Fact]
    public async Task Update_of_an_unknown_id_creates_it_as_version_1()
    {
        var result = await Resources.UpdateAsync("Patient", "chosen-id", NewPatient(id: "chosen-id", family: "New"), null, None);

        Assert.True(result.Created);
        Assert.Equal(("chosen-id", 1), (result.Stored.Id, result.Stored.Version));
        Assert.Equal("New", Parse<Patient>(await Resources.ReadAsync("Patient", "chosen-id", None)).Name[0].Family);
    }

    [Fact]
    public async Task Update_whose_body_id_differs_from_the_url_is_rejected_with_400()
    {
        await FailsWith(HttpStatusCode.BadRequest, () => Resources.UpdateAsync("Patient", "a", NewPatient(id: "b"), null, None));
        await FailsWith(HttpStatusCode.BadRequest, () => Resources.UpdateAsync("Patient", "a", NewPatient(), null, None));
        await FailsWith(HttpStatusCode.BadRequest, () => Resources.UpdateAsync("Observation", "a", NewPatient(id: "a"), null, None));
        Assert.Equal(0, await VersionCountAsync());
    }

    [Fact]
    public async Task Update_with_the_current_If_Match_version_succeeds()
    {
        var created = await CreateAsync(NewPatient(family: "Match"));

        var updated = await Resources.UpdateAsync("Patient", created.Id, Parse<Patient>(created), ifMatch: 1, None);

        Assert.Equal(2, updated.Stored.Version);
    }

    [Fact]
    public async Task Update_with_a_stale_If_Match_fails_with_412_and_changes_nothing()
    {
        var created = await CreateAsync(NewPatient(family: "Stale"));
        var patient = Parse<Patient>(created);
        await Resources.UpdateAsync("Patient", created.Id, patient, null, None);
        patient.Name[0].Family = "Lost";

        await FailsWith(HttpStatusCode.PreconditionFailed, () => Resources.UpdateAsync("Patient", created.Id, patient, ifMatch: 1, None));

        var current = await Resources.ReadAsync("Patient", created.Id, None);
        Assert.Equal(2, current.Version);
        Assert.Equal("Stale", Parse<Patient>(current).Name[0].Family);
    }

    [Fact]
    public async Task Update_with_If_Match_of_an_unknown_resource_fails_with_404_and_creates_nothing()
    {
        await FailsWith(HttpStatusCode.NotFound, () => Resources.UpdateAsync("Patient", "ghost", NewPatient(id: "ghost"), ifMatch: 1, None));
        Assert.Equal(0, await VersionCountAsync());
    }

    [Fact]
    public async Task The_store_refuses_a_version_that_does_not_follow_the_stored_one()
    {
        var created = await CreateAsync(NewPatient(family: "Race"));
        var write = Resources.Prepare(Parse<Patient>(created), created.Id, 3, "PUT");

        var error = await Assert.ThrowsAnyAsync<FhirTrial.Fhir.Errors.FhirException>(() => Store.WriteAsync(tx => tx.PutAsync(write, None), None));

        Assert.True(error.Status is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed);
        Assert.Equal(1, (await Store.ReadAsync("Patient", created.Id, None))!.Version);
    }

    [Fact]
    public async Task Read_of_an_unknown_id_is_404_and_of_an_unknown_type_is_404()
    {
        await FailsWith(HttpStatusCode.NotFound, () => Resources.ReadAsync("Patient", "nobody", None));
        await FailsWith(HttpStatusCode.NotFound, () => Resources.ReadAsync("Patientt", "nobody", None));
    }

    [Fact]
    public async Task Delete_is_soft_read_answers_410_and_history_keeps_every_version()
    {
        var created = await CreateAsync(NewPatient(family: "Gone"));
        await Resources.UpdateAsync("Patient", created.Id, Parse<Patient>(created), null, None);

        var deleted = await Resources.DeleteAsync("Patient", created.Id, None);

        Assert.Equal(3, deleted!.Stored.Version);
        await FailsWith(HttpStatusCode.Gone, () => Resources.ReadAsync("Patient", created.Id, None));
        await FailsWith(HttpStatusCode.Gone, () => Resources.ReadVersionAsync("Patient", created.Id, 3, None));
        Assert.Equal("Gone", Parse<Patient>(await Resources.ReadVersionAsync("Patient", created.Id, 1, None)).Name[0].Family);
        var history = (await Searches.HistoryAsync("Patient", created.Id, [], Context, None)).ToPoco();
        Assert.Equal(3, history.Total);
        Assert.Equal([Bundle.HTTPVerb.DELETE, Bundle.HTTPVerb.PUT, Bundle.HTTPVerb.POST], history.Entry.Select(e => e.Request!.Method!.Value));
        Assert.Null(history.Entry[0].Resource);
        Assert.Equal($"Patient/{created.Id}/_history/3", history.Entry[0].Response!.Location);
    }

    [Fact]
    public async Task A_deleted_resource_leaves_search_results()
    {
        var kept = await CreateAsync(NewPatient(family: "Deletable"));
        var gone = await CreateAsync(NewPatient(family: "Deletable"));

        await Resources.DeleteAsync("Patient", gone.Id, None);

        Assert.Equal([kept.Id], await MatchIdsAsync("Patient", "family=deletable"));
        Assert.Equal(1, await CountAsync("Patient"));
    }

    [Fact]
    public async Task Deleting_twice_or_deleting_nothing_changes_nothing()
    {
        var created = await CreateAsync(NewPatient());
        await Resources.DeleteAsync("Patient", created.Id, None);

        Assert.Null(await Resources.DeleteAsync("Patient", created.Id, None)); // the spec's no-op
        await FailsWith(HttpStatusCode.NotFound, () => Resources.DeleteAsync("Patient", "never-was", None));
        Assert.Equal(2, await VersionCountAsync());
    }

    [Fact]
    public async Task Update_after_delete_brings_the_resource_back_as_the_next_version()
    {
        var created = await CreateAsync(NewPatient(family: "Phoenix"));
        await Resources.DeleteAsync("Patient", created.Id, None);

        var revived = await Resources.UpdateAsync("Patient", created.Id, NewPatient(id: created.Id, family: "Phoenix"), null, None);

        Assert.True(revived.Created);
        Assert.Equal(3, revived.Stored.Version);
        Assert.Equal(3, (await Resources.ReadAsync("Patient", created.Id, None)).Version);
        Assert.Equal([created.Id], await MatchIdsAsync("Patient", "family=phoenix"));
    }

    [Fact]
    public async Task Instance_history_lists_versions_newest_first()
    {
        var created = await CreateAsync(NewPatient(family: "H"));
        var patient = Parse<Patient>(created);
        for (int i = 0; i < 3; i++) await Resources.UpdateAsync("Patient", created.Id, patient, null, None);
        await CreateAsync(NewPatient(family: "Other"));

        var history = (await Searches.HistoryAsync("Patient", created.Id, [], Context, None)).ToPoco();

        Assert.Equal(Bundle.BundleType.History, history.Type);
        Assert.Equal(4, history.Total);
        Assert.Equal(["4", "3", "2", "1"], history.Entry.Select(e => e.Resource!.Meta!.VersionId));
        Assert.Equal(["200", "200", "200", "201"], history.Entry.Select(e => e.Response!.Status![..3]));
    }

    [Fact]
    public async Task Instance_history_of_an_unknown_resource_is_404()
    {
        await FailsWith(HttpStatusCode.NotFound, () => Searches.HistoryAsync("Patient", "nobody", [], Context, None));
    }

    [Fact]
    public async Task Type_history_holds_every_version_of_that_type_only_and_system_history_holds_all()
    {
        var patient = await CreateAsync(NewPatient(family: "T"));
        await Resources.UpdateAsync("Patient", patient.Id, Parse<Patient>(patient), null, None);
        await CreateAsync(NewPatient(family: "U"));
        var observation = await CreateAsync(NewObservation(subject: $"Patient/{patient.Id}"));
        await Resources.DeleteAsync("Observation", observation.Id, None);

        var patients = (await Searches.HistoryAsync("Patient", null, [], Context, None)).ToPoco();
        var system = (await Searches.HistoryAsync(null, null, [], Context, None)).ToPoco();

        Assert.Equal(3, patients.Total);
        Assert.All(patients.Entry, e => Assert.Equal("Patient", e.Resource!.TypeName));
        Assert.Equal(5, system.Total);
        Assert.Equal(2, system.Entry.Count(e => e.FullUrl == $"{BaseUrl}/Observation/{observation.Id}"));
    }

    [Fact]
    public async Task History_since_an_instant_holds_only_later_versions()
    {
        var early = await CreateAsync(NewPatient(family: "Early"));
        await System.Threading.Tasks.Task.Delay(30);
        var cut = DateTimeOffset.UtcNow;
        await System.Threading.Tasks.Task.Delay(30);
        var late = await CreateAsync(NewPatient(family: "Late"));

        var since = (await Searches.HistoryAsync("Patient", null, [new("_since", cut.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"))], Context, None)).ToPoco();

        Assert.Equal(1, since.Total);
        Assert.Equal(late.Id, since.Entry.Single().Resource!.Id);
        Assert.NotEqual(early.Id, late.Id);
    }

    [Fact]
    public async Task History_pages_with_next_links()
    {
        var created = await CreateAsync(NewPatient(family: "Paged"));
        for (int i = 0; i < 4; i++) await Resources.UpdateAsync("Patient", created.Id, Parse<Patient>(created), null, None);

        var first = (await Searches.HistoryAsync("Patient", created.Id, [new("_count", "2")], Context, None)).ToPoco();
        var third = (await Searches.HistoryAsync("Patient", created.Id, [new("_count", "2"), new("_offset", "4")], Context, None)).ToPoco();

        Assert.Equal(5, first.Total);
        Assert.Equal(["5", "4"], first.Entry.Select(e => e.Resource!.Meta!.VersionId));
        Assert.Contains(first.Link, l => l.Relation == "next");
        Assert.Equal(["1"], third.Entry.Select(e => e.Resource!.Meta!.VersionId));
        Assert.DoesNotContain(third.Link, l => l.Relation == "next");
    }

    [Fact]
    public async Task Json_patch_changes_the_resource_as_a_new_version()
    {
        var created = await CreateAsync(NewPatient(family: "Patchy", birthDate: "1970-01-01"));

        var patched = await Resources.PatchAsync("Patient", created.Id,
            """[{"op":"replace","path":"/birthDate","value":"1971-02-03"},{"op":"add","path":"/gender","value":"female"}]""", null, None);

        Assert.Equal(2, patched.Stored.Version);
        var patient = Parse<Patient>(await Resources.ReadAsync("Patient", created.Id, None));
        Assert.Equal("1971-02-03", patient.BirthDate);
        Assert.Equal(AdministrativeGender.Female, patient.Gender);
        Assert.Equal("2", patient.Meta!.VersionId);
        Assert.Equal([created.Id], await MatchIdsAsync("Patient", "birthdate=1971-02-03"));
        Assert.Empty(await MatchIdsAsync("Patient", "birthdate=1970-01-01"));
    }

    [Fact]
    public async Task Json_patch_whose_test_fails_or_path_is_missing_writes_nothing()
    {
        var created = await CreateAsync(NewPatient(family: "Guarded", birthDate: "1970-01-01"));

        await FailsWith(HttpStatusCode.UnprocessableEntity, () => Resources.PatchAsync("Patient", created.Id,
            """[{"op":"replace","path":"/birthDate","value":"2000-01-01"},{"op":"test","path":"/gender","value":"male"}]""", null, None));
        await FailsWith(HttpStatusCode.UnprocessableEntity, () => Resources.PatchAsync("Patient", created.Id,
            """[{"op":"replace","path":"/name/5/family","value":"X"}]""", null, None));
        var current = await Resources.ReadAsync("Patient", created.Id, None);
        Assert.Equal(1, current.Version);
        Assert.Equal("1970-01-01", Parse<Patient>(current).BirthDate);
    }

    [Fact]
    public async Task Json_patch_with_a_stale_If_Match_fails_with_412()
    {
        var created = await CreateAsync(NewPatient(family: "Busy"));
        await Resources.UpdateAsync("Patient", created.Id, Parse<Patient>(created), null, None);

        await FailsWith(HttpStatusCode.PreconditionFailed, () => Resources.PatchAsync("Patient", created.Id,
            """[{"op":"replace","path":"/name/0/family","value":"Late"}]""", ifMatch: 1, None));
        Assert.Equal(2, (await Resources.ReadAsync("Patient", created.Id, None)).Version);
    }

    [Fact]
    public async Task Json_patch_may_not_change_the_id()
    {
        var created = await CreateAsync(NewPatient(family: "Fixed"));

        await FailsWith(HttpStatusCode.BadRequest, () => Resources.PatchAsync("Patient", created.Id,
            """[{"op":"replace","path":"/id","value":"other"}]""", null, None));
        await FailsWith(HttpStatusCode.NotFound, () => Resources.ReadAsync("Patient", "other", None));
    }

    [Fact]
    public async Task Json_patch_of_a_deleted_resource_is_410()
    {
        var created = await CreateAsync(NewPatient(family: "Dead"));
        await Resources.DeleteAsync("Patient", created.Id, None);

        await FailsWith(HttpStatusCode.Gone, () => Resources.PatchAsync("Patient", created.Id,
            """[{"op":"add","path":"/gender","value":"male"}]""", null, None));
    }
}
