using FhirTrial.Storage.Relational;

namespace FhirTrial.Storage.Tests.Relational;

/// <summary>When the upkeep refreshes: after a load pauses, not held back by ordinary one-resource writes.</summary>
public sealed class StatisticsUpkeepTests
{
    private static TableGrowth Rows(long n)
    {
        var growth = new TableGrowth();
        growth.Add("idx_token", n);
        return growth;
    }

    private sealed class Recorder
    {
        public readonly List<(long Rows, long At)> Calls = [];
        public Task<IReadOnlyCollection<string>> RefreshAsync(IReadOnlyDictionary<string, long> grown, CancellationToken ct)
        {
            lock (Calls) Calls.Add((grown.Values.Sum(), Environment.TickCount64));
            return Task.FromResult<IReadOnlyCollection<string>>(grown.Keys.ToList());
        }
    }

    [Fact]
    public async Task A_load_is_refreshed_once_it_pauses_even_while_small_writes_go_on()
    {
        var recorder = new Recorder();
        await using var upkeep = new StatisticsUpkeep(recorder.RefreshAsync, threshold: 1000, quiet: TimeSpan.FromMilliseconds(200), maxWait: TimeSpan.FromSeconds(30));
        for (var i = 0; i < 10; i++) upkeep.Committed(Rows(200)); // the load: 2,000 rows in Bundle-sized commits
        var loadEnded = Environment.TickCount64;
        // searches right after the load, each writing its AuditEvent (a dozen rows), every 20 ms for 2 s
        for (var i = 0; i < 100 && recorder.Calls.Count == 0; i++)
        {
            upkeep.Committed(Rows(12));
            await Task.Delay(20);
        }
        await upkeep.IdleAsync();
        var (rows, at) = Assert.Single(recorder.Calls);
        Assert.True(rows >= 2000, $"the refresh saw {rows} rows");
        Assert.InRange(at - loadEnded, 150, 1500); // after the quiet period, not after the 30 s longest wait
    }

    [Fact]
    public async Task A_load_that_goes_on_postpones_the_refresh_until_it_pauses()
    {
        var recorder = new Recorder();
        await using var upkeep = new StatisticsUpkeep(recorder.RefreshAsync, threshold: 1000, quiet: TimeSpan.FromMilliseconds(300), maxWait: TimeSpan.FromSeconds(30));
        for (var i = 0; i < 20; i++)
        {
            upkeep.Committed(Rows(StatisticsUpkeep.LoadCommitRows));
            await Task.Delay(50);
        }
        Assert.Empty(recorder.Calls);
        await upkeep.IdleAsync();
        Assert.Single(recorder.Calls);
    }

    [Fact]
    public async Task Writes_below_the_threshold_refresh_nothing()
    {
        var recorder = new Recorder();
        await using var upkeep = new StatisticsUpkeep(recorder.RefreshAsync, threshold: 1000, quiet: TimeSpan.FromMilliseconds(50), maxWait: TimeSpan.FromSeconds(1));
        for (var i = 0; i < 50; i++) upkeep.Committed(Rows(12));
        await Task.Delay(200);
        await upkeep.IdleAsync();
        Assert.Empty(recorder.Calls);
    }
}
