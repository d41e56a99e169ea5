using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FhirTrial.Storage.Relational;

/// <summary>
/// Keeps the query planner's statistics in step with large writes, so searches right after a load are planned on the
/// data as it now is (issue 16; autovacuum wakes only every minute). Committed writes report the rows they added per
/// table; once <see cref="Threshold"/> rows have come in, the store's refresh runs in the background when writes have
/// paused for <paramref name="quiet"/> (a load is refreshed once, at its end), or at the latest <paramref name="maxWait"/>
/// after the threshold was reached (a long load is refreshed as it goes). Only a commit of at least
/// <see cref="LoadCommitRows"/> rows counts as the load going on: the one-resource writes of ordinary traffic (the
/// AuditEvent each search writes) must not hold the refresh back while the first searches run on stale statistics.
/// One refresh at a time; it never blocks a write, and its failure is logged, never thrown.
/// </summary>
/// <param name="refresh">Given the rows added per table since that table's last refresh, refreshes what needs it and
/// returns the tables it refreshed.</param>
public sealed class StatisticsUpkeep(
    Func<IReadOnlyDictionary<string, long>, CancellationToken, Task<IReadOnlyCollection<string>>> refresh,
    long threshold, TimeSpan quiet, TimeSpan maxWait) : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<string, long> _grown = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private long _sinceRefresh;
    private long _lastCommit;
    private Task? _running;
    private int _disposed;

    public long Threshold => threshold;

    /// <summary>Rows a commit must add to postpone the refresh (a transaction Bundle adds hundreds; one resource ~10-20).</summary>
    public const long LoadCommitRows = 64;

    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>How many refreshes have run (for tests and diagnostics).</summary>
    public int Refreshes { get; private set; }

    /// <summary>Records a committed transaction's rows; starts a refresh in the background when enough have come in.</summary>
    public void Committed(TableGrowth growth)
    {
        if (growth.Total == 0) return;
        lock (_gate)
        {
            foreach (var (table, rows) in growth.Rows) _grown[table] = _grown.GetValueOrDefault(table) + rows;
            _sinceRefresh += growth.Total;
            if (growth.Total >= LoadCommitRows) _lastCommit = Environment.TickCount64;
            if (_sinceRefresh < threshold || _running is not null || _stop.IsCancellationRequested) return;
            _running = Task.Run(RunAsync);
        }
    }

    /// <summary>Completes when no refresh is running or due (tests; shutdown).</summary>
    public Task IdleAsync()
    {
        lock (_gate) return _running ?? Task.CompletedTask;
    }

    private async Task RunAsync()
    {
        while (true)
        {
            Dictionary<string, long> grown;
            try
            {
                await QuietAsync();
                lock (_gate)
                {
                    grown = new Dictionary<string, long>(_grown, StringComparer.Ordinal);
                    _sinceRefresh = 0;
                }
                var refreshed = await refresh(grown, _stop.Token);
                lock (_gate)
                {
                    foreach (var table in refreshed) _grown[table] = Math.Max(0, _grown.GetValueOrDefault(table) - grown.GetValueOrDefault(table));
                    Refreshes++;
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                Logger.LogWarning(e, "Refreshing planner statistics after a large write failed; the database's own schedule still applies");
            }
            lock (_gate)
            {
                if (_sinceRefresh < threshold || _stop.IsCancellationRequested)
                {
                    _running = null;
                    return;
                }
            }
        }
    }

    /// <summary>Waits until no write has committed for the quiet period, or the longest wait is over.</summary>
    private async Task QuietAsync()
    {
        var started = Environment.TickCount64;
        while (true)
        {
            long idle;
            lock (_gate) idle = Environment.TickCount64 - _lastCommit;
            var waited = Environment.TickCount64 - started;
            if (idle >= (long)quiet.TotalMilliseconds || waited >= (long)maxWait.TotalMilliseconds) return;
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(20, (long)quiet.TotalMilliseconds - idle)), _stop.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stop.CancelAsync();
        await IdleAsync();
        _stop.Dispose();
    }
}
