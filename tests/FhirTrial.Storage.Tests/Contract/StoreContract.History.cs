using System.Net;
using Hl7.Fhir.Model;

namespace FhirTrial.Storage.Tests.Contract;

public abstract partial class StoreContract
{
    [Fact]
    public async Task History_rows_do_not_repeat_the_current_JSON_and_every_version_reads_back_as_written()
    {
        // Twelve new resources in one transaction take the store's bulk path where it has one.
        var created = await ProcessAsync(Transaction([.. Enumerable.Range(0, 12).Select(n => Post(NewPatient(family: $"Bulk{n}")))]));
        var ids = created.Entry.Select(e => e.Response!.Location!.Split('/')[1]).ToList();
        var single = await CreateAsync(NewPatient(family: "Single1"));

        var updated = Parse<Patient>(await Resources.ReadAsync("Patient", ids[0], None));
        updated.Name[0].Family = "Bulk0-v2";
        await Resources.UpdateAsync("Patient", ids[0], updated, null, None);
        updated.Name[0].Family = "Bulk0-v3";
        await Resources.UpdateAsync("Patient", ids[0], updated, null, None);
        var second = Parse<Patient>(single);
        second.Name[0].Family = "Single2";
        await Resources.UpdateAsync("Patient", single.Id, second, null, None);
        await Resources.DeleteAsync("Patient", ids[1], None);
        await Resources.UpdateAsync("Patient", ids[1], NewPatient(id: ids[1], family: "Bulk1-back"), null, None);

        // Only the five versions something replaced keep their own copy (Bulk0 v1 and v2, Single v1, Bulk1 v1 and the
        // delete's v2 whose JSON is the resource's last); every current version reads its JSON from the resource row.
        Assert.Equal(5, await QueryLongAsync("SELECT COUNT(*) FROM resource_history WHERE json <> 'null'"));
        Assert.Equal(13, await QueryLongAsync("SELECT COUNT(*) FROM resource_history WHERE json = 'null'"));

        string FamilyOf(Resource r) => ((Patient)r).Name[0].Family!;
        async Task<string> VersionAsync(string id, int version) => FamilyOf(Parse<Patient>(await Resources.ReadVersionAsync("Patient", id, version, None)));
        Assert.Equal(["Bulk0", "Bulk0-v2", "Bulk0-v3"], [await VersionAsync(ids[0], 1), await VersionAsync(ids[0], 2), await VersionAsync(ids[0], 3)]);
        Assert.Equal(["Single1", "Single2"], [await VersionAsync(single.Id, 1), await VersionAsync(single.Id, 2)]);
        Assert.Equal("Bulk1", await VersionAsync(ids[1], 1));
        await FailsWith(HttpStatusCode.Gone, () => Resources.ReadVersionAsync("Patient", ids[1], 2, None));
        Assert.Equal("Bulk1-back", await VersionAsync(ids[1], 3));
        Assert.Equal("Bulk11", await VersionAsync(ids[11], 1));

        var history = (await Searches.HistoryAsync("Patient", ids[0], [], Context, None)).ToPoco();
        Assert.Equal(["Bulk0-v3", "Bulk0-v2", "Bulk0"], history.Entry.Select(e => FamilyOf(e.Resource!)));
        var all = (await Searches.HistoryAsync("Patient", null, [], Context, None)).ToPoco();
        Assert.Equal(18, all.Total);
        Assert.Contains(all.Entry, e => e.Resource is Patient { Id: var id } p && id == single.Id && FamilyOf(p) == "Single2");

        // a writer that knows nothing of the mark (a build from before it, a hand-written statement) updates the row:
        // the store itself keeps the replaced version
        var raw = $$"""{"resourceType":"Patient","id":"{{ids[11]}}","meta":{"versionId":"2"},"name":[{"family":"Raw"}]}""";
        await ExecuteSqlAsync($"UPDATE resource SET version = 2, json = '{raw}' WHERE type = 'Patient' AND id = '{ids[11]}'");
        await ExecuteSqlAsync($"INSERT INTO resource_history (type, id, version, last_updated, deleted, method, json) VALUES ('Patient', '{ids[11]}', 2, 0, 0, 'PUT', '{raw}')");
        Assert.Equal(["Bulk11", "Raw"], [await VersionAsync(ids[11], 1), await VersionAsync(ids[11], 2)]);
    }
}
