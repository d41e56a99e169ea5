using Npgsql;

namespace FhirTrial.Storage.Postgres;

/// <summary>Where a read replica is and how far the store trusts it (<c>Storage:ReadReplica*</c> in configuration).</summary>
public sealed record PostgresReplicaSettings(string ConnectionString)
{
    /// <summary>A standby further behind than this is not read from: reads go to the primary until it catches up.</summary>
    public TimeSpan MaxLag { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>After the standby failed, reads go to the primary this long before it is tried again.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How old the last look at the standby's replay position and lag may be before a read looks again.</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>How the standby stands, for <c>/health/ready</c>.</summary>
public sealed record ReplicaState(bool Usable, string Description, TimeSpan? Lag);

/// <summary>
/// A streaming standby that serves reads when it is fit to: reachable, no further behind than <see cref="PostgresReplicaSettings.MaxLag"/>,
/// and past the commit position the read must include. Otherwise the caller reads from the primary. A failure to reach
/// it opens a short circuit: the standby is left alone for <see cref="PostgresReplicaSettings.RetryAfter"/>, so a dead
/// standby does not cost each request a connection attempt.
/// </summary>
internal sealed class PostgresReadReplica : IAsyncDisposable
{
    // Replayed position and lag in one round trip. When everything received is replayed the standby is current, however
    // old its last replayed transaction; otherwise the lag is the age of that transaction. Not in recovery (a promoted
    // standby, or a primary named by mistake): NULL, and the store will not read from it.
    private const string ProbeSql = """
        SELECT (pg_last_wal_replay_lsn() - '0/0')::bigint,
               CASE WHEN pg_last_wal_receive_lsn() IS NULL OR pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0
                    ELSE COALESCE(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 1e9) END::float8
        """;

    private readonly NpgsqlDataSource _source;
    private readonly PostgresReplicaSettings _settings;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private DateTimeOffset _closedUntil = DateTimeOffset.MinValue;
    private DateTimeOffset _probedAt = DateTimeOffset.MinValue;
    private ulong _replayed;
    private TimeSpan _lag;
    private string? _failure;

    public PostgresReadReplica(PostgresReplicaSettings settings, TimeProvider? clock = null)
    {
        _settings = settings;
        _clock = clock ?? TimeProvider.System;
        var builder = PostgresConnections.WithDefaults(settings.ConnectionString);
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = settings.ConnectionString };
        // A standby that does not answer should cost a read little: the primary is there to take it.
        if (!given.ContainsKey("Timeout")) builder.Timeout = 3;
        if (!given.ContainsKey("Application Name") && !given.ContainsKey("ApplicationName")) builder.ApplicationName = "fhirtrial-replica";
        Endpoint = PostgresConnections.EndpointOf(builder);
        _source = new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
    }

    public string Endpoint { get; }

    /// <summary>A connection to the standby fit for a read that must include <paramref name="readAfter"/>, or null when
    /// the read must go to the primary.</summary>
    public async Task<NpgsqlConnection?> TryOpenAsync(ulong? readAfter, CancellationToken ct)
    {
        var now = _clock.GetUtcNow();
        bool probe;
        lock (_gate)
        {
            if (now < _closedUntil) return null;
            var stale = now - _probedAt >= _settings.ProbeInterval;
            if (!stale && _lag > _settings.MaxLag) return null;
            // Behind this client's write as last seen: look again, it may have been replayed since.
            probe = stale || readAfter > _replayed;
        }
        NpgsqlConnection? connection = null;
        try
        {
            connection = await _source.OpenConnectionAsync(ct);
            if (probe) await ProbeAsync(connection, ct);
            lock (_gate)
                if (_lag <= _settings.MaxLag && !(readAfter > _replayed) && _failure is null)
                {
                    var fit = connection;
                    connection = null;
                    return fit;
                }
            return null;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException or InvalidOperationException
                                  && !ct.IsCancellationRequested)
        {
            Failed(e.Message);
            return null;
        }
        finally
        {
            if (connection is not null) await connection.DisposeAsync();
        }
    }

    /// <summary>Looks at the standby now, whatever the circuit says: for <c>/health/ready</c>.</summary>
    public async Task<ReplicaState> CheckAsync(CancellationToken ct)
    {
        try
        {
            await using var connection = await _source.OpenConnectionAsync(ct);
            await ProbeAsync(connection, ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException or InvalidOperationException
                                  && !ct.IsCancellationRequested)
        {
            Failed(e.Message);
        }
        lock (_gate)
        {
            if (_failure is not null) return new ReplicaState(false, $"The read replica at {Endpoint} is not used: {_failure}; reads go to the primary.", null);
            if (_lag > _settings.MaxLag)
                return new ReplicaState(false, $"The read replica at {Endpoint} is {_lag.TotalSeconds:0} s behind (more than {_settings.MaxLag.TotalSeconds:0} s); reads go to the primary.", _lag);
            return new ReplicaState(true, $"The read replica at {Endpoint} serves reads ({_lag.TotalMilliseconds:0} ms behind).", _lag);
        }
    }

    private async Task ProbeAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(ProbeSql, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        if (reader.IsDBNull(0))
        {
            Failed("it is not a standby in recovery");
            return;
        }
        var replayed = (ulong)reader.GetInt64(0);
        var lag = TimeSpan.FromSeconds(reader.GetDouble(1));
        lock (_gate)
        {
            _replayed = Math.Max(_replayed, replayed);
            _lag = lag;
            _probedAt = _clock.GetUtcNow();
            _failure = null;
        }
    }

    private void Failed(string reason)
    {
        lock (_gate)
        {
            _failure = reason;
            _closedUntil = _clock.GetUtcNow() + _settings.RetryAfter;
            _probedAt = DateTimeOffset.MinValue; // the first read after the pause looks at the standby afresh
        }
        _source.Clear();
    }

    /// <summary>Drops idle connections after one died (the standby restarted); the next read opens afresh.</summary>
    public void Clear() => _source.Clear();

    public ValueTask DisposeAsync() => _source.DisposeAsync();
}
