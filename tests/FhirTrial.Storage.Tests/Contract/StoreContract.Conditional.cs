using System.Net;
using Hl7.Fhir.Model;

namespace FhirTrial.Storage.Tests.Contract;

/// <summary>If-None-Exist, conditional update and conditional delete: zero, one and several matches.</summary>
public abstract partial class StoreContract
{
    private const string ByMrn = "identifier=urn:trial:mrn|";

    [Fact]
    public async Task If_None_Exist_with_no_match_creates()
    {
        await CreateAsync(NewPatient(mrn: "other"));

        var result = await Resources.CreateAsync(NewPatient(mrn: "m-1"), ByMrn + "m-1", None);

        Assert.True(result.Created);
        Assert.Equal(2, await CountAsync("Patient"));
    }

    [Fact]
    public async Task If_None_Exist_with_one_match_returns_it_and_creates_nothing()
    {
        var existing = await CreateAsync(NewPatient(mrn: "m-1", family: "Original"));

        var result = await Resources.CreateAsync(NewPatient(mrn: "m-1", family: "Duplicate"), ByMrn + "m-1", None);

        Assert.False(result.Created);
        Assert.Equal((existing.Id, 1), (result.Stored.Id, result.Stored.Version));
        Assert.Equal(1, await CountAsync("Patient"));
        Assert.Equal("Original", Parse<Patient>(await Resources.ReadAsync("Patient", existing.Id, None)).Name[0].Family);
    }

    [Fact]
    public async Task If_None_Exist_with_two_matches_fails_with_412()
    {
        await CreateAsync(NewPatient(mrn: "twin"));
        await CreateAsync(NewPatient(mrn: "twin"));

        await FailsWith(HttpStatusCode.PreconditionFailed, () => Resources.CreateAsync(NewPatient(mrn: "twin"), ByMrn + "twin", None));
        Assert.Equal(2, await CountAsync("Patient"));
    }

    [Fact]
    public async Task If_None_Exist_ignores_deleted_matches()
    {
        var deleted = await CreateAsync(NewPatient(mrn: "m-del"));
        await Resources.DeleteAsync("Patient", deleted.Id, None);

        var result = await Resources.CreateAsync(NewPatient(mrn: "m-del"), ByMrn + "m-del", None);

        Assert.True(result.Created);
        Assert.NotEqual(deleted.Id, result.Stored.Id);
    }

    [Fact]
    public async Task A_condition_with_an_unknown_parameter_or_none_at_all_is_400()
    {
        await FailsWith(HttpStatusCode.BadRequest, () => Resources.CreateAsync(NewPatient(), "shoe-size=42", None));
        await FailsWith(HttpStatusCode.BadRequest, () => Resources.CreateAsync(NewPatient(), "", None));
        await FailsWith(HttpStatusCode.BadRequest, () => Resources.ConditionalDeleteAsync("Patient", "_count=1", None));
        Assert.Equal(0, await VersionCountAsync());
    }

    [Fact]
    public async Task Conditional_update_with_no_match_creates()
    {
        var result = await Resources.ConditionalUpdateAsync("Patient", ByMrn + "m-2", NewPatient(mrn: "m-2", family: "Fresh"), None);

        Assert.True(result.Created);
        Assert.Equal(1, result.Stored.Version);
        Assert.Equal([result.Stored.Id], await MatchIdsAsync("Patient", ByMrn + "m-2"));
    }

    [Fact]
    public async Task Conditional_update_with_one_match_updates_that_resource()
    {
        var existing = await CreateAsync(NewPatient(mrn: "m-3", family: "Old"));
        await CreateAsync(NewPatient(mrn: "m-4", family: "Bystander"));

        var result = await Resources.ConditionalUpdateAsync("Patient", ByMrn + "m-3", NewPatient(mrn: "m-3", family: "New"), None);

        Assert.False(result.Created);
        Assert.Equal((existing.Id, 2), (result.Stored.Id, result.Stored.Version));
        Assert.Equal("New", Parse<Patient>(await Resources.ReadAsync("Patient", existing.Id, None)).Name[0].Family);
        Assert.Equal(2, await CountAsync("Patient"));
    }

    [Fact]
    public async Task Conditional_update_with_two_matches_fails_with_412_and_changes_nothing()
    {
        await CreateAsync(NewPatient(mrn: "pair", family: "A"));
        await CreateAsync(NewPatient(mrn: "pair", family: "B"));

        await FailsWith(HttpStatusCode.PreconditionFailed,
            () => Resources.ConditionalUpdateAsync("Patient", ByMrn + "pair", NewPatient(mrn: "pair", family: "C"), None));
        Assert.Equal(2, await VersionCountAsync());
        Assert.Empty(await MatchIdsAsync("Patient", "family=c"));
    }

    [Fact]
    public async Task Conditional_update_whose_body_id_is_not_the_match_is_rejected()
    {
        var existing = await CreateAsync(NewPatient(mrn: "m-5"));

        await FailsWith(HttpStatusCode.BadRequest,
            () => Resources.ConditionalUpdateAsync("Patient", ByMrn + "m-5", NewPatient(id: "someone-else", mrn: "m-5"), None));
        Assert.Equal(1, (await Resources.ReadAsync("Patient", existing.Id, None)).Version);
    }

    [Fact]
    public async Task Conditional_delete_with_one_match_deletes_it()
    {
        var target = await CreateAsync(NewPatient(mrn: "m-6"));
        var kept = await CreateAsync(NewPatient(mrn: "m-7"));

        Assert.Equal(1, await Resources.ConditionalDeleteAsync("Patient", ByMrn + "m-6", None));

        await FailsWith(HttpStatusCode.Gone, () => Resources.ReadAsync("Patient", target.Id, None));
        Assert.Equal(1, (await Resources.ReadAsync("Patient", kept.Id, None)).Version);
    }

    [Fact]
    public async Task Conditional_delete_with_no_match_deletes_nothing()
    {
        await CreateAsync(NewPatient(mrn: "m-8"));

        Assert.Equal(0, await Resources.ConditionalDeleteAsync("Patient", ByMrn + "nobody", None));
        Assert.Equal(1, await VersionCountAsync());
    }

    [Fact]
    public async Task Conditional_delete_with_two_matches_fails_with_412_and_deletes_nothing()
    {
        await CreateAsync(NewPatient(mrn: "dup"));
        await CreateAsync(NewPatient(mrn: "dup"));

        await FailsWith(HttpStatusCode.PreconditionFailed, () => Resources.ConditionalDeleteAsync("Patient", ByMrn + "dup", None));
        Assert.Equal(2, await CountAsync("Patient", ByMrn + "dup"));
    }
}
