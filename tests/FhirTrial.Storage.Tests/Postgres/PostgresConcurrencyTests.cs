using System.Net;
using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirTrial.Storage.Tests.Postgres;

/// <summary>Many writers at once against one PostgreSQL database: exact outcomes, never "roughly right".</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresConcurrencyTests(PostgresCluster cluster) : PostgresDatabase(cluster)
{
    private const int Racers = 20;
    private static readonly CancellationToken None = CancellationToken.None;

    private static Patient NewPatient(string identifier, string family = "Racer") => new()
    {
        Identifier = [new Identifier("urn:trial:mrn", identifier)],
        Name = [new HumanName { Family = family }],
    };

    /// <summary>Starts all racers together so they really overlap.</summary>
    private static async Task<T[]> RaceAsync<T>(int count, Func<int, Task<T>> racer)
    {
        using var gate = new ManualResetEventSlim(false);
        var tasks = Enumerable.Range(0, count).Select(n => Task.Run(async () => { gate.Wait(); return await racer(n); })).ToArray();
        gate.Set();
        return await Task.WhenAll(tasks);
    }

    private static async Task<HttpStatusCode> StatusOf(Func<Task> write)
    {
        try { await write(); return HttpStatusCode.OK; }
        catch (FhirException e) { return e.Status; }
    }

    [Fact]
    public async Task Twenty_parallel_conditional_creates_with_one_identifier_make_exactly_one_resource()
    {
        var results = await RaceAsync(Racers, _ => Resources.CreateAsync(NewPatient("mrn-race-1"), "identifier=urn:trial:mrn|mrn-race-1", None));

        Assert.Single(results, r => r.Created);
        Assert.Equal(Racers - 1, results.Count(r => !r.Created));
        Assert.Single(results.Select(r => r.Stored.Id).Distinct());
        Assert.Equal(1, await CountAsync("Patient", "identifier=urn:trial:mrn|mrn-race-1"));
    }

    [Fact]
    public async Task Twenty_parallel_updates_with_If_Match_of_one_version_let_exactly_one_through()
    {
        var created = await Resources.CreateAsync(NewPatient("mrn-ifmatch"), null, None);
        var id = created.Stored.Id;

        var statuses = await RaceAsync(Racers, n => StatusOf(() =>
        {
            var patient = NewPatient("mrn-ifmatch", $"Writer{n}");
            patient.Id = id;
            return Resources.UpdateAsync("Patient", id, patient, ifMatch: 1, None);
        }));

        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.All(statuses.Where(s => s != HttpStatusCode.OK), s => Assert.Contains(s, new[] { HttpStatusCode.Conflict, HttpStatusCode.PreconditionFailed }));
        var stored = await Store.ReadAsync("Patient", id, None);
        Assert.Equal(2, stored!.Version);
        Assert.Equal(2, (await Store.HistoryAsync(new HistoryQuery("Patient", id, null, null, 100, 0), None)).Total);
    }

    [Fact]
    public async Task Concurrent_updates_of_one_resource_lose_nothing_every_write_is_a_version()
    {
        var id = (await Resources.CreateAsync(NewPatient("mrn-lost-update"), null, None)).Stored.Id;

        var statuses = await RaceAsync(Racers, n => StatusOf(() =>
        {
            var patient = NewPatient("mrn-lost-update", $"Writer{n}");
            patient.Id = id;
            return Resources.UpdateAsync("Patient", id, patient, ifMatch: null, None);
        }));

        var succeeded = statuses.Count(s => s == HttpStatusCode.OK);
        Assert.Equal(Racers, succeeded);
        var stored = await Store.ReadAsync("Patient", id, None);
        Assert.Equal(1 + succeeded, stored!.Version);
        var history = await Store.HistoryAsync(new HistoryQuery("Patient", id, null, null, 100, 0), None);
        Assert.Equal(Enumerable.Range(1, 1 + succeeded), history.Versions.Select(v => v.Version).Order());
    }

    [Fact]
    public async Task Two_transactions_touching_one_resource_both_land_as_consecutive_versions()
    {
        var id = (await Resources.CreateAsync(NewPatient("mrn-two-tx"), null, None)).Stored.Id;
        using var bothInside = new Barrier(2);

        // Each transaction reads the resource for update, creates a resource of its own, then writes a new version:
        // the second waits on the row lock and builds on the first's version instead of overwriting it.
        var results = await RaceAsync(2, n => Store.WriteAsync(async tx =>
        {
            var own = NewPatient($"mrn-two-tx-side-{n}");
            await tx.PutAsync(Resources.Prepare(own, ResourceService.NewId(), 1, "POST"), None);
            bothInside.SignalAndWait(TimeSpan.FromSeconds(5));
            var patient = NewPatient("mrn-two-tx", $"Tx{n}");
            var current = await tx.ReadForUpdateAsync("Patient", id, None);
            return await tx.PutAsync(Resources.Prepare(patient, id, current!.Version + 1, "PUT"), None);
        }, None));

        Assert.Equal([2, 3], results.Select(r => r.Version).Order());
        Assert.Equal(3, (await Store.ReadAsync("Patient", id, None))!.Version);
        Assert.Equal(1, await CountAsync("Patient", "identifier=urn:trial:mrn|mrn-two-tx-side-0"));
        Assert.Equal(1, await CountAsync("Patient", "identifier=urn:trial:mrn|mrn-two-tx-side-1"));
    }

    [Fact]
    public async Task Parallel_first_writes_of_one_new_id_are_retried_into_consecutive_versions()
    {
        var id = "race-" + Guid.NewGuid().ToString("N")[..12];
        var statuses = await RaceAsync(10, n => StatusOf(() =>
        {
            var patient = NewPatient("mrn-first-insert", $"Writer{n}");
            patient.Id = id;
            return Resources.UpdateAsync("Patient", id, patient, ifMatch: null, None);
        }));

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(10, (await Store.ReadAsync("Patient", id, None))!.Version);
        Assert.Equal(10, (await Store.HistoryAsync(new HistoryQuery("Patient", id, null, null, 100, 0), None)).Total);
    }

    [Fact]
    public async Task A_conditional_create_inside_parallel_transaction_bundles_happens_once()
    {
        var processor = new BundleProcessor(Resources, new SearchService(Store, Parser));
        Bundle Feed(int n)
        {
            var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = "urn:uuid:3f0c0000-0000-0000-0000-000000000001",
                Resource = NewPatient("mrn-bundle-race"),
                Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Patient", IfNoneExist = "identifier=urn:trial:mrn|mrn-bundle-race" },
            });
            for (int k = 0; k < 10; k++)
                bundle.Entry.Add(new Bundle.EntryComponent
                {
                    FullUrl = $"urn:uuid:3f0c0000-0000-0000-0001-{k:D12}",
                    Resource = new Observation
                    {
                        Status = ObservationStatus.Final,
                        Code = new CodeableConcept("http://loinc.org", "29463-7"),
                        Subject = new ResourceReference("urn:uuid:3f0c0000-0000-0000-0000-000000000001"),
                        Value = new Quantity(70 + n, "kg", "http://unitsofmeasure.org"),
                    },
                    Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Observation" },
                });
            return bundle;
        }

        await RaceAsync(10, n => processor.ProcessAsync(Feed(n), new RequestContext("http://localhost/fhir"), None));

        Assert.Equal(1, await CountAsync("Patient", "identifier=urn:trial:mrn|mrn-bundle-race"));
        var patient = (await Store.SearchAsync(Parser.Parse("Patient", QueryString.Parse("identifier=urn:trial:mrn|mrn-bundle-race"), true).Query, None)).Resources.Single();
        Assert.Equal(100, await CountAsync("Observation", $"subject=Patient/{patient.Id}"));
    }
}
