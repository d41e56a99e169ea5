using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Export;
using FhirTrial.Fhir.Search;
using FhirTrial.Fhir.Security;
using FhirTrial.Storage.Postgres;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace FhirTrial.Storage.Tests.Postgres;

/// <summary>
/// Two server nodes on one database, as two processes behind a load balancer would be: each node its own store, its own
/// connection pool and its own engine, sharing only the database and the export folder. Whatever one node holds in its
/// memory, the other cannot see, so what these tests prove is guarded by the database.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresTwoNodeTests(PostgresCluster cluster) : IAsyncLifetime
{
    private const int Clients = 64;
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string _exportFolder = Directory.CreateTempSubdirectory("fhirtrial-nodes-").FullName;
    private string _connectionString = "";
    private readonly List<Node> _nodes = [];

    /// <summary>One server node: its store, engine and export service.</summary>
    private sealed class Node : IAsyncDisposable
    {
        public Node(string connectionString, ExportOptions options)
        {
            Store = new PostgresFhirStore(connectionString);
            _engine = Store.BuildFhirEngine(new NoWriteValidation(), Contract.StoreContract.Package);
            Parser = _engine.GetRequiredService<SearchParser>();
            Resources = _engine.GetRequiredService<ResourceService>();
            Claims = new PostgresExportJobClaims(Store);
            Export = new BulkExportService(new ExportJobStore(options, NullLogger<ExportJobStore>.Instance),
                new BulkExporter(Store, Parser, options), options, TimeProvider.System, Access, Claims, NullLogger<BulkExportService>.Instance);
        }

        private readonly ServiceProvider _engine;
        public PostgresFhirStore Store { get; }
        public SearchParser Parser { get; }
        public ResourceService Resources { get; }
        public PostgresExportJobClaims Claims { get; }
        public BulkExportService Export { get; }
        public AccessContext Access { get; } = new();
        private readonly CancellationTokenSource _stop = new();
        private Task? _worker;

        public void StartWorker() => _worker = Task.Run(() => Export.ProcessQueueAsync(_stop.Token));

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            if (_worker is not null) try { await _worker; } catch (OperationCanceledException) { }
            await _engine.DisposeAsync();
            await Store.DisposeAsync();
        }
    }

    public async Task InitializeAsync()
    {
        _connectionString = await cluster.CreateDatabaseAsync("twonodes");
        await PostgresMigrator.MigrateAsync(_connectionString);
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        await cluster.DropDatabaseAsync(_connectionString);
        try { Directory.Delete(_exportFolder, recursive: true); } catch (IOException) { }
    }

    private Node[] StartNodes(int count, TimeSpan? lease = null)
    {
        var options = new ExportOptions
        {
            Folder = _exportFolder, ScanInterval = TimeSpan.FromMilliseconds(100), Lease = lease ?? TimeSpan.FromSeconds(30),
        };
        var nodes = Enumerable.Range(0, count).Select(_ => new Node(_connectionString, options)).ToArray();
        _nodes.AddRange(nodes);
        return nodes;
    }

    [Fact]
    public async Task Sixty_four_clients_over_two_nodes_conditionally_create_one_patient_exactly_once()
    {
        var nodes = StartNodes(2);
        using var gate = new ManualResetEventSlim(false);
        var clients = Enumerable.Range(0, Clients).Select(n => Task.Run(async () =>
        {
            gate.Wait();
            var patient = new Patient { Identifier = [new Identifier("urn:trial:mrn", "two-nodes")], Name = [new HumanName { Family = $"Client{n}" }] };
            return await nodes[n % 2].Resources.CreateAsync(patient, "identifier=urn:trial:mrn|two-nodes", None);
        })).ToArray();
        gate.Set();
        var results = await Task.WhenAll(clients);

        Assert.Single(results, r => r.Created);
        Assert.Single(results.Select(r => r.Stored.Id).Distinct());
        var query = nodes[0].Parser.Parse("Patient", QueryString.Parse("identifier=urn:trial:mrn|two-nodes"), strict: true).Query;
        foreach (var node in nodes)
            Assert.Equal(1, (await node.Store.SearchAsync(query with { Count = 100, CountTotal = true }, None)).Total);
    }

    [Fact]
    public async Task Export_jobs_kicked_off_on_either_node_are_each_run_exactly_once()
    {
        var nodes = StartNodes(2);
        await nodes[0].Resources.CreateAsync(new Patient { Id = "exp-a" }, null, None);
        var jobs = new List<string>();
        for (var n = 0; n < 8; n++)
        {
            var node = nodes[n % 2];
            using var _ = node.Access.EnterServer("test");
            var request = ExportRequest.Parse(ExportLevel.System, null, [new("_type", "Patient")], "http://test/fhir/$export");
            jobs.Add((await node.Export.KickOffAsync(request, "tester", None)).Id);
        }
        foreach (var node in nodes) node.StartWorker(); // both scan the shared folder; each also has its own jobs queued

        foreach (var id in jobs) await WaitForAsync(nodes[0], id, ExportJobState.Completed);
        Assert.Equal(jobs.Count, nodes.Sum(n => n.Export.Runs));
        foreach (var id in jobs)
        {
            Assert.Equal(1, await nodes[0].Claims.ClaimsAsync(id, None));
            var job = nodes[1].Export.Status(id, "tester"); // the other node sees the same job
            Assert.Equal(1, job.Files.Single().Count);
        }
    }

    [Fact]
    public async Task A_job_left_running_by_a_node_that_died_is_run_by_another_once_its_lease_expires()
    {
        var lease = TimeSpan.FromSeconds(1);
        var nodes = StartNodes(1, lease);
        await nodes[0].Resources.CreateAsync(new Patient { Id = "exp-b" }, null, None);
        // The dead node kicked the job off, claimed it and was killed mid-run: job.json says Running, its lease stands.
        var jobs = new ExportJobStore(new ExportOptions { Folder = _exportFolder }, NullLogger<ExportJobStore>.Instance);
        var request = ExportRequest.Parse(ExportLevel.System, null, [new("_type", "Patient")], "http://test/fhir/$export");
        var job = new ExportJob(Guid.NewGuid().ToString("N"), request, DateTimeOffset.UtcNow, "tester", ExportJobState.Running,
            RunAs: ExportIdentity.Of(AccessPrincipal.Server));
        await jobs.SaveAsync(job, None);
        Assert.True(await nodes[0].Claims.TryClaimAsync(job.Id, "dead-node", lease, None));

        var survivor = nodes[0];
        var started = System.Diagnostics.Stopwatch.StartNew();
        survivor.StartWorker();
        await Task.Delay(lease / 2);
        Assert.Equal(0, survivor.Export.Runs); // the lease still stands: not taken over yet

        await WaitForAsync(survivor, job.Id, ExportJobState.Completed);
        Assert.True(started.Elapsed >= lease * 0.9, $"taken over after {started.Elapsed}, before the lease of {lease} ran out");
        Assert.Equal(1, survivor.Export.Runs);
        Assert.Equal(2, await survivor.Claims.ClaimsAsync(job.Id, None));
        Assert.False(await survivor.Claims.TryClaimAsync(job.Id, "late-node", lease, None)); // finished: never claimed again
    }

    [Fact]
    public async Task Of_sixty_four_claims_racing_for_one_job_exactly_one_wins()
    {
        var nodes = StartNodes(2);
        using var gate = new ManualResetEventSlim(false);
        var racers = Enumerable.Range(0, Clients).Select(n => Task.Run(async () =>
        {
            gate.Wait();
            return await nodes[n % 2].Claims.TryClaimAsync("raced-job", $"node-{n}", TimeSpan.FromMinutes(1), None);
        })).ToArray();
        gate.Set();
        Assert.Single(await Task.WhenAll(racers), won => won);
    }

    private static async Task WaitForAsync(Node node, string jobId, ExportJobState state)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (node.Export.Status(jobId, "tester").State != state)
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(30))
                throw new TimeoutException($"export job {jobId} is {node.Export.Status(jobId, "tester").State}, not {state}, after 30 s");
            await Task.Delay(50);
        }
    }
}
