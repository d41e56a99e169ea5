using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Search;
using FhirTrial.Fhir.Storage;
using FhirTrial.Storage.Postgres;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace FhirTrial.Storage.Tests.Postgres;

/// <summary>
/// A primary and a streaming standby: searches are served by the standby, writes by the primary, a client that wrote
/// reads its write at once, and reads go to the primary while the standby is stopped or behind. Replay is paused to
/// prove which server answered: a read the standby serves cannot see what the primary wrote after the pause.
/// </summary>
public sealed class PostgresReplicaTests(PostgresStandby pair, ITestOutputHelper output) : IClassFixture<PostgresStandby>, IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly PostgresReplicaSettings Fast = new("") { RetryAfter = TimeSpan.FromMilliseconds(200), ProbeInterval = TimeSpan.FromMilliseconds(100) };

    private string _primary = "";
    private PostgresFhirStore _store = null!;
    private ResourceService _resources = null!;
    private SearchParser _parser = null!;
    private ServiceProvider? _engine;

    public async Task InitializeAsync()
    {
        _primary = await pair.Primary.CreateDatabaseAsync("replica");
        await PostgresMigrator.MigrateAsync(_primary);
        await pair.CatchUpAsync(); // the new database and its schema reach the standby
        _store = Store(Fast);
        _engine = _store.BuildFhirEngine(new NoWriteValidation(), Contract.StoreContract.Package);
        _parser = _engine.GetRequiredService<SearchParser>();
        _resources = _engine.GetRequiredService<ResourceService>();
    }

    public async Task DisposeAsync()
    {
        if (_engine is not null) await _engine.DisposeAsync();
        await _store.DisposeAsync();
        if (await pair.ScalarAsync("SELECT pg_is_wal_replay_paused()") is true) await pair.ResumeReplayAsync();
    }

    private PostgresFhirStore Store(PostgresReplicaSettings replica)
        => new(_primary, replica with { ConnectionString = pair.ConnectionStringFor(_primary) });

    private static Patient NewPatient(string mrn) => new() { Identifier = [new Identifier("urn:trial:mrn", mrn)] };

    /// <summary>A request from one client: its reads include <paramref name="readAfter"/>, its writes report their position.</summary>
    private static async Task<T> AsRequestAsync<T>(Func<Task<T>> work, ulong? readAfter = null, bool writes = false)
    {
        using (ReadConsistency.Enter(new ReadConsistency(readAfter, writes))) return await work();
    }

    /// <summary>Matches of one identifier, without a total: one connection per search, so the counters tell who served it.</summary>
    private async Task<int> FoundAsync(string mrn)
    {
        var query = _parser.Parse("Patient", QueryString.Parse($"identifier=urn:trial:mrn|{mrn}"), strict: true).Query;
        return (await _store.SearchAsync(query with { Count = 10, CountTotal = false }, None)).Resources.Count;
    }

    /// <summary>Writes a patient as a client would and returns the commit position its response carries.</summary>
    private async Task<ulong> WriteAsync(string mrn)
    {
        var scope = new ReadConsistency(primary: true);
        using (ReadConsistency.Enter(scope)) await _resources.CreateAsync(NewPatient(mrn), null, None);
        return scope.Committed ?? throw new InvalidOperationException("the write reported no commit position");
    }

    [Fact]
    public async Task Searches_are_served_by_the_standby_and_writes_by_the_primary()
    {
        await WriteAsync("before-pause");
        var lag = await pair.CatchUpAsync();
        output.WriteLine($"standby made and started in {pair.StartTime.TotalMilliseconds:0} ms; caught up with a write in {lag.TotalMilliseconds:0} ms");

        var (replica, primary) = (_store.ReplicaReads, _store.PrimaryReads);
        Assert.Equal(1, await FoundAsync("before-pause"));
        Assert.Equal((replica + 1, primary), (_store.ReplicaReads, _store.PrimaryReads));

        // With replay paused, a write on the primary cannot reach the standby: a search that misses it was served there.
        await pair.PauseReplayAsync();
        await WriteAsync("while-paused"); // the standby is read-only: this write succeeding is the primary's doing
        Assert.Equal(0, await FoundAsync("while-paused"));
        Assert.Equal(replica + 2, _store.ReplicaReads);

        await pair.ResumeReplayAsync();
        await pair.CatchUpAsync();
        Assert.Equal(1, await FoundAsync("while-paused"));
    }

    [Fact]
    public async Task A_client_reads_its_own_write_at_once_and_from_the_standby_once_it_has_replayed_it()
    {
        await pair.PauseReplayAsync();
        var position = await WriteAsync("own-write");

        // The next request carries the position: the standby has not replayed it, so the primary answers.
        var primaryBefore = _store.PrimaryReads;
        Assert.Equal(1, await AsRequestAsync(() => FoundAsync("own-write"), position));
        Assert.Equal(primaryBefore + 1, _store.PrimaryReads);
        // Another client, with no position, is served by the standby, which does not have it yet.
        Assert.Equal(0, await AsRequestAsync(() => FoundAsync("own-write")));

        await pair.ResumeReplayAsync();
        await pair.CatchUpAsync();
        var replicaBefore = _store.ReplicaReads;
        Assert.Equal(1, await AsRequestAsync(() => FoundAsync("own-write"), position));
        Assert.Equal(replicaBefore + 1, _store.ReplicaReads);

        // Reads of a request that writes go to the primary whatever the standby holds.
        primaryBefore = _store.PrimaryReads;
        Assert.Equal(1, await AsRequestAsync(() => FoundAsync("own-write"), writes: true));
        Assert.Equal(primaryBefore + 1, _store.PrimaryReads);
    }

    [Fact]
    public async Task Reads_fall_back_to_the_primary_while_the_standby_is_stopped_and_return_when_it_is_back()
    {
        await WriteAsync("fallback");
        await pair.CatchUpAsync();
        Assert.Equal(1, await FoundAsync("fallback"));

        await pair.StopAsync();
        try
        {
            var stopped = System.Diagnostics.Stopwatch.StartNew();
            var primaryBefore = _store.PrimaryReads;
            for (var n = 0; n < 5; n++) Assert.Equal(1, await FoundAsync("fallback"));
            Assert.Equal(primaryBefore + 5, _store.PrimaryReads);
            output.WriteLine($"five reads with the standby stopped: {stopped.ElapsedMilliseconds} ms");
            var state = await _store.ReplicaStateAsync(None);
            Assert.False(state!.Usable);
            Assert.Contains("reads go to the primary", state.Description);
        }
        finally
        {
            await pair.StartAsync();
        }
        await pair.CatchUpAsync();
        await Task.Delay(Fast.RetryAfter * 2); // the circuit opened by the failure closes again
        var replicaBefore = _store.ReplicaReads;
        Assert.Equal(1, await FoundAsync("fallback"));
        Assert.Equal(replicaBefore + 1, _store.ReplicaReads);
        Assert.True((await _store.ReplicaStateAsync(None))!.Usable);
    }

    [Fact]
    public async Task A_standby_further_behind_than_the_bound_is_not_read_from()
    {
        await using var store = Store(Fast with { MaxLag = TimeSpan.FromMilliseconds(300) });
        await pair.PauseReplayAsync();
        await WriteAsync("lagging");
        await Task.Delay(TimeSpan.FromMilliseconds(600));

        var query = _parser.Parse("Patient", QueryString.Parse("identifier=urn:trial:mrn|lagging"), strict: true).Query;
        Assert.Single((await store.SearchAsync(query with { Count = 10, CountTotal = false }, None)).Resources); // no position given: the bound alone sends it to the primary
        Assert.Equal((0, 1), (store.ReplicaReads, store.PrimaryReads));
        var state = await store.ReplicaStateAsync(None);
        Assert.False(state!.Usable);
        Assert.Contains("behind", state.Description);
    }
}
