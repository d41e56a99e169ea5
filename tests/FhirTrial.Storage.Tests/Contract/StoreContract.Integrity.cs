using System.Net;
using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirTrial.Storage.Tests.Contract;

/// <summary>
/// Write integrity: one set of write rules for single requests and Bundle entries, local references that resolve,
/// and deletes that orphan nothing (or cascade).
/// </summary>
public abstract partial class StoreContract
{
    // ---- one set of rules: each case as a single request, a transaction entry and a batch entry ----

    /// <summary>The state every case starts from: Patients p1 and p2 (family Shared, p1 with MRN 1), Observation o1 about p1,
    /// and Patient gone, deleted.</summary>
    private async Task SeedRulesAsync()
    {
        await PutAllAsync(NewPatient("p1", "Shared", "1"), NewPatient("p2", "Shared", "2"), NewObservation("o1", "Patient/p1"), NewPatient("gone"));
        await Resources.DeleteAsync("Patient", "gone", None);
    }

    private static Observation About(string subject) => NewObservation(subject: subject);

    private const string Replace = """[{"op":"add","path":"/birthDate","value":"1970-01-01"}]""";

    /// <summary>The cases: a name, the write, and the status it gets however it is sent.</summary>
    private static readonly Dictionary<string, (Func<WriteRequest> Request, int Status)> Cases = new()
    {
        ["create"] = (() => WriteRequest.Create(NewPatient(family: "New")), 201),
        ["create if-none-exist, one match"] = (() => WriteRequest.Create(NewPatient(family: "Again"), "identifier=urn:trial:mrn|1"), 200),
        ["create if-none-exist, two matches"] = (() => WriteRequest.Create(NewPatient(family: "Again"), "family=shared"), 412),
        ["create if-none-exist, bad criteria"] = (() => WriteRequest.Create(NewPatient(), "no-such-parameter=1"), 400),
        ["create referencing a current resource"] = (() => WriteRequest.Create(About("Patient/p1")), 201),
        ["create referencing nothing"] = (() => WriteRequest.Create(About("Patient/nope")), 422),
        ["create referencing this server absolutely"] = (() => WriteRequest.Create(About($"{BaseUrl}/Patient/p1")), 201),
        ["create referencing this server absolutely, nothing there"] = (() => WriteRequest.Create(About($"{BaseUrl}/Patient/nope")), 422),
        ["create referencing a version that exists"] = (() => WriteRequest.Create(About("Patient/p1/_history/1")), 201),
        ["create referencing a version not yet written"] = (() => WriteRequest.Create(About("Patient/p1/_history/7")), 422),
        ["create referencing another server"] = (() => WriteRequest.Create(About("http://elsewhere.org/fhir/Patient/nope")), 201),
        ["create referencing a contained resource"] = (() => WriteRequest.Create(About("#contained")), 201),
        ["create referencing by identifier only"] = (() => WriteRequest.Create(new Observation
        {
            Status = ObservationStatus.Final, Code = new CodeableConcept("http://loinc.org", "8302-2"),
            Subject = new ResourceReference { Identifier = new Identifier("urn:trial:mrn", "unknown") },
        }), 201),
        ["create with a conditional reference"] = (() => WriteRequest.Create(About("Patient?identifier=urn:trial:mrn|1")), 201),
        ["create with a conditional reference matching nothing"] = (() => WriteRequest.Create(About("Patient?identifier=urn:trial:mrn|9")), 412),
        ["update"] = (() => WriteRequest.Update("Patient", "p1", NewPatient("p1", "Changed")), 200),
        ["update as create"] = (() => WriteRequest.Update("Patient", "p9", NewPatient("p9", "Changed")), 201),
        ["update if-match current"] = (() => WriteRequest.Update("Patient", "p1", NewPatient("p1", "Changed"), 1), 200),
        ["update if-match stale"] = (() => WriteRequest.Update("Patient", "p1", NewPatient("p1", "Changed"), 2), 412),
        ["update if-match on nothing"] = (() => WriteRequest.Update("Patient", "p9", NewPatient("p9", "Changed"), 1), 404),
        ["update with another id in the body"] = (() => WriteRequest.Update("Patient", "p1", NewPatient("p2", "Changed")), 400),
        ["update without an id in the body"] = (() => WriteRequest.Update("Patient", "p1", NewPatient(family: "Changed")), 400),
        ["update to reference nothing"] = (() => WriteRequest.Update("Observation", "o1", NewObservation("o1", "Patient/nope")), 422),
        ["conditional update, one match"] = (() => WriteRequest.ConditionalUpdate("Patient", "identifier=urn:trial:mrn|1", NewPatient(family: "Changed", mrn: "1")), 200),
        ["conditional update, one match, its id in the body"] = (() => WriteRequest.ConditionalUpdate("Patient", "identifier=urn:trial:mrn|1", NewPatient("p1", "Changed", "1")), 200),
        ["conditional update, one match, another id in the body"] = (() => WriteRequest.ConditionalUpdate("Patient", "identifier=urn:trial:mrn|1", NewPatient("p2", "Changed", "1")), 400),
        ["conditional update, no match, a new id in the body"] = (() => WriteRequest.ConditionalUpdate("Patient", "identifier=urn:trial:mrn|9", NewPatient("p9", "Changed", "9")), 201),
        ["conditional update, no match, an existing id in the body"] = (() => WriteRequest.ConditionalUpdate("Patient", "identifier=urn:trial:mrn|9", NewPatient("p2", "Overwritten", "9")), 409),
        ["conditional update, no match, no id"] = (() => WriteRequest.ConditionalUpdate("Patient", "identifier=urn:trial:mrn|9", NewPatient(family: "Changed", mrn: "9")), 201),
        ["conditional update, two matches"] = (() => WriteRequest.ConditionalUpdate("Patient", "family=shared", NewPatient(family: "Changed")), 412),
        ["patch"] = (() => WriteRequest.Patch("Patient", "p1", Replace), 200),
        ["patch if-match current"] = (() => WriteRequest.Patch("Patient", "p1", Replace, 1), 200),
        ["patch if-match stale"] = (() => WriteRequest.Patch("Patient", "p1", Replace, 3), 412),
        ["patch of nothing"] = (() => WriteRequest.Patch("Patient", "p9", Replace), 404),
        ["patch changing the id"] = (() => WriteRequest.Patch("Patient", "p1", """[{"op":"replace","path":"/id","value":"p2"}]"""), 400),
        ["patch to reference nothing"] = (() => WriteRequest.Patch("Observation", "o1", """[{"op":"replace","path":"/subject/reference","value":"Patient/nope"}]"""), 422),
        ["delete"] = (() => WriteRequest.Delete("Observation", "o1"), 204),
        ["delete if-match current"] = (() => WriteRequest.Delete("Observation", "o1", 1), 204),
        ["delete if-match stale"] = (() => WriteRequest.Delete("Observation", "o1", 2), 412),
        ["delete if-match on nothing"] = (() => WriteRequest.Delete("Observation", "o9", 1), 404),
        ["delete of nothing"] = (() => WriteRequest.Delete("Observation", "o9"), 404),
        ["delete of a deleted resource"] = (() => WriteRequest.Delete("Patient", "gone"), 204),
        ["delete of a deleted resource, if-match"] = (() => WriteRequest.Delete("Patient", "gone", 2), 412),
        ["update of a deleted resource, if-match"] = (() => WriteRequest.Update("Patient", "gone", NewPatient("gone"), 2), 412),
        ["update of a deleted resource"] = (() => WriteRequest.Update("Patient", "gone", NewPatient("gone")), 201),
        ["delete of a referenced resource"] = (() => WriteRequest.Delete("Patient", "p1"), 409),
        ["delete of a referenced resource, cascading"] = (() => WriteRequest.Delete("Patient", "p1", cascade: true), 204),
        ["conditional delete"] = (() => WriteRequest.ConditionalDelete("Patient", "identifier=urn:trial:mrn|2"), 200),
        ["conditional delete, no match"] = (() => WriteRequest.ConditionalDelete("Patient", "identifier=urn:trial:mrn|9"), 204),
        ["conditional delete, two matches"] = (() => WriteRequest.ConditionalDelete("Patient", "family=shared"), 412),
        ["conditional delete of a referenced resource"] = (() => WriteRequest.ConditionalDelete("Patient", "identifier=urn:trial:mrn|1"), 409),
        ["conditional delete of a referenced resource, cascading"] = (() => WriteRequest.ConditionalDelete("Patient", "identifier=urn:trial:mrn|1", cascade: true), 200),
    };

    public static TheoryData<string, string> RuleCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in Cases.Keys)
            foreach (var via in new[] { "single", "transaction", "batch" })
                data.Add(name, via);
        return data;
    }

    [Theory]
    [MemberData(nameof(RuleCases))]
    public async Task A_write_gets_the_same_status_alone_and_in_a_Bundle(string name, string via)
    {
        await SeedRulesAsync();
        var versions = await VersionCountAsync();
        var (request, expected) = Cases[name];

        var status = via switch
        {
            "single" => await SingleStatusAsync(request()),
            "transaction" => await BundleStatusAsync(request(), Bundle.BundleType.Transaction),
            _ => await BundleStatusAsync(request(), Bundle.BundleType.Batch),
        };

        Assert.Equal(expected, status);
        if (status >= 300 || expected == 200 && name.Contains("if-none-exist", StringComparison.Ordinal))
            Assert.Equal(versions, await VersionCountAsync()); // a refusal (or a found match) writes nothing
    }

    /// <summary>The status the HTTP layer gives the request sent alone (see FhirEndpoints).</summary>
    private async Task<int> SingleStatusAsync(WriteRequest request)
    {
        try
        {
            switch (request.Method)
            {
                case Bundle.HTTPVerb.POST:
                    return (await Resources.CreateAsync(request.Resource!, request.IfNoneExist, None)).Created ? 201 : 200;
                case Bundle.HTTPVerb.PUT:
                    var put = request.Criteria is null
                        ? await Resources.UpdateAsync(request.Type, request.Id!, request.Resource!, request.IfMatch, None)
                        : await Resources.ConditionalUpdateAsync(request.Type, request.Criteria, request.Resource!, None);
                    return put.Created ? 201 : 200;
                case Bundle.HTTPVerb.PATCH:
                    return (await Resources.PatchAsync(request.Type, request.Id!, request.PatchJson!, request.IfMatch, None)).Created ? 201 : 200;
                default:
                    if (request.Criteria is null)
                    {
                        await Resources.DeleteAsync(request.Type, request.Id!, request.IfMatch, request.Cascade, None);
                        return 204;
                    }
                    return (await Resources.ConditionalDeleteAsync(request.Type, request.Criteria, request.Cascade, None)).DeletedCount > 0 ? 200 : 204;
            }
        }
        catch (FhirException e)
        {
            return (int)e.Status;
        }
    }

    private async Task<int> BundleStatusAsync(WriteRequest request, Bundle.BundleType type)
    {
        var url = request.Id is not null ? $"{request.Type}/{request.Id}" : request.Criteria is not null ? $"{request.Type}?{request.Criteria}" : request.Type;
        if (request.Cascade) url += (url.Contains('?') ? "&" : "?") + "_cascade=delete";
        var entry = new Bundle.EntryComponent
        {
            Resource = request.PatchJson is { } patch ? new Binary { ContentType = "application/json-patch+json", Data = System.Text.Encoding.UTF8.GetBytes(patch) } : request.Resource,
            Request = new Bundle.RequestComponent
            {
                Method = request.Method, Url = url, IfNoneExist = request.IfNoneExist,
                IfMatch = request.IfMatch is int v ? $"W/\"{v}\"" : null,
            },
        };
        try
        {
            var response = await ProcessAsync(new Bundle { Type = type, Entry = [entry] });
            return int.Parse(response.Entry.Single().Response!.Status![..3], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (FhirException e)
        {
            Assert.Equal(Bundle.BundleType.Transaction, type); // a batch answers each entry's failure in the entry
            return (int)e.Status;
        }
    }

    // ---- references ----

    [Fact]
    public async Task A_dangling_reference_is_refused_naming_its_element()
    {
        await PutAsync(NewPatient("p1"));
        var observation = NewObservation(subject: "Patient/p1");
        observation.Performer = [new ResourceReference("Practitioner/nobody")];
        observation.Focus = [new ResourceReference("#c"), new ResourceReference("BodyStructure/gone")];
        var versions = await VersionCountAsync();

        var error = await FailsWith(HttpStatusCode.UnprocessableEntity, () => CreateAsync(observation));

        Assert.Equal(["Observation.performer[0]", "Observation.focus[1]"], error.Outcome.Issue.SelectMany(i => i.Expression).Order().Reverse());
        Assert.Contains("Practitioner/nobody", error.Outcome.Issue[0].Diagnostics + error.Outcome.Issue[1].Diagnostics);
        Assert.Equal(versions, await VersionCountAsync());
    }

    [Fact]
    public async Task A_transaction_with_a_dangling_reference_writes_nothing_and_names_the_entry()
    {
        var versions = await VersionCountAsync();

        var error = await FailsWith(HttpStatusCode.UnprocessableEntity, () => ProcessAsync(Transaction(
            Post(NewPatient(family: "Fine"), PatientUuid),
            Post(NewObservation(subject: PatientUuid)),
            Post(NewObservation(subject: "Patient/nope")))));

        Assert.Equal("Bundle.entry[2].resource.Observation.subject", Assert.Single(Assert.Single(error.Outcome.Issue).Expression));
        Assert.Equal(versions, await VersionCountAsync());
    }

    [Fact]
    public async Task A_transaction_may_reference_what_it_creates_but_not_what_it_deletes()
    {
        await PutAllAsync(NewPatient("p1"), NewPatient("p2"));

        var created = await ProcessAsync(Transaction(Put(NewPatient("p3"), "Patient/p3"), Post(NewObservation(subject: "Patient/p3"))));
        Assert.Equal(["201", "201"], created.Entry.Select(e => e.Response!.Status![..3]));

        var versions = await VersionCountAsync();
        var error = await FailsWith(HttpStatusCode.UnprocessableEntity, () => ProcessAsync(Transaction(
            Request(Bundle.HTTPVerb.DELETE, "Patient/p2"), Post(NewObservation(subject: "Patient/p2")))));
        Assert.Contains("deletes it", error.Outcome.Issue[0].Diagnostics);
        Assert.Equal(versions, await VersionCountAsync());
    }

    [Fact]
    public async Task A_reference_to_a_deleted_resource_is_dangling()
    {
        await PutAsync(NewPatient("p1"));
        await Resources.DeleteAsync("Patient", "p1", None);

        await FailsWith(HttpStatusCode.UnprocessableEntity, () => CreateAsync(NewObservation(subject: "Patient/p1")));
    }

    [Fact]
    public async Task Without_referential_integrity_dangling_references_and_referenced_deletes_are_allowed()
    {
        var unchecked_ = WithoutReferentialIntegrity();
        await unchecked_.CreateAsync(NewObservation("o1", "Patient/later"), null, None);
        await PutAsync(NewPatient("p1"));
        await unchecked_.UpdateAsync("Observation", "o2", NewObservation("o2", "Patient/p1"), null, None);

        Assert.NotNull(await unchecked_.DeleteAsync("Patient", "p1", None));
        Assert.Equal(2, await CountAsync("Observation"));
    }

    // ---- deletes ----

    [Fact]
    public async Task A_refused_delete_names_the_referrers_and_changes_nothing()
    {
        await PutAllAsync(NewPatient("p1"), NewObservation("o1", "Patient/p1"), NewObservation("o2", "Patient/p1"));
        var versions = await VersionCountAsync();

        var error = await FailsWith(HttpStatusCode.Conflict, () => Resources.DeleteAsync("Patient", "p1", None));

        var text = string.Join(" ", error.Outcome.Issue.Select(i => i.Diagnostics));
        Assert.Contains("Observation/o1", text);
        Assert.Contains("Observation/o2", text);
        Assert.Contains("_cascade=delete", text);
        Assert.Equal(versions, await VersionCountAsync());
        Assert.NotNull(await Resources.ReadAsync("Patient", "p1", None));
    }

    [Fact]
    public async Task A_cascading_delete_deletes_the_referrers_recursively_in_one_transaction()
    {
        await PutAllAsync(NewPatient("p1"), NewPatient("p2"), NewObservation("o1", "Patient/p1"), NewObservation("o3", "Patient/p2"));
        var derived = NewObservation("o2", "Patient/p2");
        derived.DerivedFrom = [new ResourceReference("Observation/o1")];
        await PutAsync(derived);

        var deleted = await Resources.DeleteAsync("Patient", "p1", null, cascade: true, None);

        Assert.NotNull(deleted);
        foreach (var gone in new[] { ("Patient", "p1"), ("Observation", "o1"), ("Observation", "o2") })
            await FailsWith(HttpStatusCode.Gone, () => Resources.ReadAsync(gone.Item1, gone.Item2, None));
        Assert.NotNull(await Resources.ReadAsync("Observation", "o3", None)); // p2 and its other data stay
        Assert.NotNull(await Resources.ReadAsync("Patient", "p2", None));
        var history = await Store.HistoryAsync(new HistoryQuery("Observation", "o2", null, null, 10, 0), None);
        Assert.True(history.Versions[0].Deleted);
    }

    [Fact]
    public async Task A_transaction_deleting_a_resource_and_its_referrers_together_succeeds()
    {
        await PutAllAsync(NewPatient("p1"), NewObservation("o1", "Patient/p1"));

        var response = await ProcessAsync(Transaction(Request(Bundle.HTTPVerb.DELETE, "Patient/p1"), Request(Bundle.HTTPVerb.DELETE, "Observation/o1")));

        Assert.Equal(["204", "204"], response.Entry.Select(e => e.Response!.Status![..3]));
    }

    [Fact]
    public async Task A_Bundle_delete_of_a_referenced_resource_is_refused_and_its_cascade_honoured()
    {
        await PutAllAsync(NewPatient("p1"), NewObservation("o1", "Patient/p1"));

        var refused = await FailsWith(HttpStatusCode.Conflict, () => ProcessAsync(Transaction(Request(Bundle.HTTPVerb.DELETE, "Patient/p1"))));
        Assert.StartsWith("Bundle.entry[0]", refused.Outcome.Issue[0].Diagnostics);

        var response = await ProcessAsync(Transaction(Request(Bundle.HTTPVerb.DELETE, "Patient/p1?_cascade=delete")));
        Assert.StartsWith("204", response.Entry[0].Response!.Status);
        await FailsWith(HttpStatusCode.Gone, () => Resources.ReadAsync("Observation", "o1", None));
    }

    [Fact]
    public async Task Audit_records_do_not_keep_a_resource_from_being_deleted()
    {
        await PutAsync(NewPatient("p1"));
        await CreateAsync(new Provenance { Target = [new ResourceReference("Patient/p1/_history/1")], Recorded = DateTimeOffset.UtcNow });

        Assert.NotNull(await Resources.DeleteAsync("Patient", "p1", None));
    }

    [Fact]
    public async Task Two_deletes_with_the_same_If_Match_give_one_success_and_one_412()
    {
        await PutAsync(NewPatient("p1"));

        var racers = Enumerable.Range(0, 2).Select(_ => System.Threading.Tasks.Task.Run(async () =>
        {
            try
            {
                await Resources.DeleteAsync("Patient", "p1", 1, false, None);
                return 204;
            }
            catch (FhirException e)
            {
                return (int)e.Status;
            }
        })).ToList();
        var statuses = await System.Threading.Tasks.Task.WhenAll(racers);

        Assert.Equal([204, 412], statuses.Order());
        Assert.Equal(2, (await Store.HistoryAsync(new HistoryQuery("Patient", "p1", null, null, 10, 0), None)).Total);
    }

    [Fact]
    public async Task The_store_finds_referrers_and_current_versions_by_the_batch()
    {
        await PutAllAsync(NewPatient("p1"), NewPatient("p2"), NewObservation("o1", "Patient/p1"), NewObservation("o2", "Patient/p2"));
        await CreateAsync(new Provenance { Target = [new ResourceReference("Patient/p1")], Recorded = DateTimeOffset.UtcNow });

        var referrers = await Store.WriteAsync(tx => tx.ReferrersAsync([new ResourceKey("Patient", "p1"), new ResourceKey("Patient", "p2")], ["Provenance"], 10, None), None);
        var current = await Store.WriteAsync(tx => tx.CurrentVersionsAsync("Patient", ["p1", "p2", "p3"], None), None);

        Assert.Equal(["Observation/o1 -> Patient/p1", "Observation/o2 -> Patient/p2"],
            referrers.Visible.Select(l => $"{l.Referrer} -> {l.Target}").Order(StringComparer.Ordinal));
        Assert.Empty(referrers.HiddenTargets);
        Assert.Equal(["p1", "p2"], current.Keys.Order(StringComparer.Ordinal));
    }
}
