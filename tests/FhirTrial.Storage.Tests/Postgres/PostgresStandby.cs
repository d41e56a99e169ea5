using Npgsql;

namespace FhirTrial.Storage.Tests.Postgres;

/// <summary>
/// A private primary and a streaming standby made from it with <c>pg_basebackup -R</c>, both throwaway, on free loopback
/// ports. The standby can be stopped and started again, and its replay paused, so tests can make it down or behind.
/// </summary>
public sealed class PostgresStandby : IAsyncLifetime
{
    private readonly PostgresCluster _primary = new();
    private string _data = "";
    private string _options = "";
    private static bool AsRoot => Environment.UserName == "root";

    public PostgresCluster Primary => _primary;

    public int Port { get; private set; }

    /// <summary>How long the standby took to be made and to accept connections (for the report of the test run).</summary>
    public TimeSpan StartTime { get; private set; }

    public async Task InitializeAsync()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        await _primary.InitializeAsync();
        _data = Path.Combine(_primary.Folder, "standby");
        var sockets = Path.Combine(_primary.Folder, "standby-sock");
        Directory.CreateDirectory(sockets);
        if (AsRoot) await PostgresCluster.RunAsync("chown", ["postgres:postgres", sockets], asPostgres: false);
        // -R writes primary_conninfo and standby.signal: the copy starts as a hot standby streaming from the primary.
        await PostgresCluster.RunAsync(Path.Combine(_primary.Binaries, "pg_basebackup"),
            ["-h", "127.0.0.1", "-p", _primary.Port.ToString(), "-U", "postgres", "-D", _data, "-R", "-X", "stream", "-c", "fast", "--no-sync"], AsRoot);
        Port = PostgresCluster.FreePort();
        // max_connections as on the primary: a hot standby refuses to start with fewer.
        _options = $"-p {Port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 -c shared_buffers=64MB " +
                   "-c wal_receiver_status_interval=1s";
        await StartAsync();
        StartTime = started.Elapsed;
    }

    /// <summary>A connection string to the standby for a database of the primary.</summary>
    public string ConnectionStringFor(string primaryConnectionString)
        => new NpgsqlConnectionStringBuilder(primaryConnectionString) { Port = Port }.ConnectionString;

    public Task StartAsync() => PgCtlAsync("-o", _options, "-l", Path.Combine(_primary.Folder, "standby.log"), "-w", "-t", "60", "start");

    public Task StopAsync() => PgCtlAsync("-m", "immediate", "-w", "stop");

    /// <summary>Runs SQL on the standby's maintenance database (pausing and resuming replay, asking how far it is).</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false;Timeout=10");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    /// <summary>Pauses replay and returns once it is paused, not merely asked to: the startup process looks at the request
    /// only between records, so one more record may be replayed after it. Filler transactions on the primary move it along.</summary>
    public async Task PauseReplayAsync()
    {
        await ScalarAsync("SELECT pg_wal_replay_pause()");
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while ((string?)await ScalarAsync("SELECT pg_get_wal_replay_pause_state()") != "paused")
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException("the standby did not pause replay in 30 s");
            await using (var primary = new NpgsqlConnection(_primary.AdminConnectionString))
            {
                await primary.OpenAsync();
                await using var command = new NpgsqlCommand("SELECT txid_current()", primary);
                await command.ExecuteScalarAsync();
            }
            await Task.Delay(10);
        }
    }

    public Task ResumeReplayAsync() => ScalarAsync("SELECT pg_wal_replay_resume()");

    /// <summary>Waits until the standby has replayed everything the primary has written so far; returns how long it took.</summary>
    public async Task<TimeSpan> CatchUpAsync()
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        long target;
        await using (var primary = new NpgsqlConnection(_primary.AdminConnectionString))
        {
            await primary.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT (pg_current_wal_insert_lsn() - '0/0')::bigint", primary);
            target = (long)(await command.ExecuteScalarAsync())!;
        }
        while (true)
        {
            var replayed = (long)(await ScalarAsync("SELECT (pg_last_wal_replay_lsn() - '0/0')::bigint"))!;
            if (replayed >= target) return waited.Elapsed;
            if (waited.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"the standby replayed {replayed}, not {target}, in 30 s");
            await Task.Delay(10);
        }
    }

    public async Task DisposeAsync()
    {
        try { await StopAsync(); } catch (InvalidOperationException) { /* not running */ }
        await _primary.DisposeAsync(); // removes the folder, the standby's data with it
    }

    private Task PgCtlAsync(params string[] args) => PostgresCluster.RunAsync(Path.Combine(_primary.Binaries, "pg_ctl"), ["-D", _data, .. args], AsRoot);
}
