using System.Data;
using System.Data.Common;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Storage;
using FhirTrial.Storage.Relational;
using Npgsql;
using NpgsqlTypes;

namespace FhirTrial.Storage.Postgres;

/// <summary>How many new resources are written in bulk: COPY with keys reserved from the sequence, or one INSERT over arrays.</summary>
public enum BulkResourceInsert { Copy, Unnest }

/// <summary>The production store: PostgreSQL through Npgsql, READ COMMITTED writes with row and advisory locks, bulk COPY, standby reads.</summary>
public sealed class PostgresFhirStore : RelationalFhirStore, IAsyncDisposable
{
    /// <summary>Attempts of a whole write before a serialization failure, deadlock or racing first insert is given up.</summary>
    public const int MaxAttempts = 5;

    private readonly PostgresConnections _connections;
    private readonly PostgresReadReplica? _replica;

    public PostgresFhirStore(string connectionString, PostgresReplicaSettings? replica = null)
    {
        _connections = new PostgresConnections(connectionString);
        if (replica is not null) _replica = new PostgresReadReplica(replica);
        Statistics = new StatisticsUpkeep((grown, ct) => PostgresStatistics.AnalyzeGrownAsync(_connections, grown, ct),
            PostgresStatistics.Threshold, quiet: TimeSpan.FromMilliseconds(250), maxWait: TimeSpan.FromSeconds(10));
    }

    /// <summary>Analyzes the tables large writes grew, in the background (see <see cref="PostgresStatistics"/>).</summary>
    public StatisticsUpkeep Statistics { get; }

    /// <summary>Reads served by the read replica, and by the primary (for tests and diagnostics).</summary>
    public long ReplicaReads => Interlocked.Read(ref _replicaReads);
    public long PrimaryReads => Interlocked.Read(ref _primaryReads);
    private long _replicaReads, _primaryReads;

    /// <summary>How the read replica stands, looked at now; null without one.</summary>
    public async Task<ReplicaState?> ReplicaStateAsync(CancellationToken ct) => _replica is null ? null : await _replica.CheckAsync(ct);

    /// <summary>Below this many new resources in one transaction, row-by-row inserts beat setting up the COPY streams.</summary>
    public int BulkThreshold { get; init; } = 8;

    /// <summary>...unless they carry this many index rows (a Provenance of a 100-entry Bundle has one per entry).</summary>
    public int BulkIndexRowThreshold { get; init; } = 64;

    public BulkResourceInsert BulkMode { get; init; } = BulkResourceInsert.Copy;

    /// <summary>How many writes were run again after a retryable failure (for tests and diagnostics).</summary>
    public int Retries => _retries;
    private int _retries;

    public override async Task MigrateAsync(CancellationToken ct) => await PostgresMigrator.MigrateAsync(_connections, ct);

    /// <summary>The replica when there is one and it may serve this read (see <see cref="ReadConsistency"/>), else the primary.</summary>
    protected override async Task<DbConnection> OpenReadAsync(CancellationToken ct)
    {
        var scope = ReadConsistency.Current;
        if (_replica is not null && scope?.Primary != true && await _replica.TryOpenAsync(scope?.ReadAfter, ct) is { } standby)
        {
            Interlocked.Increment(ref _replicaReads);
            return standby;
        }
        Interlocked.Increment(ref _primaryReads);
        // With a replica, or for a request that writes, the primary itself: a multi-host string's prefer-standby could be stale.
        return await _connections.OpenAsync(_replica is not null || scope?.Primary == true ? _connections.Write : _connections.Read, ct);
    }

    /// <summary>A connection to the primary, for the store's companions (export job claims).</summary>
    internal Task<NpgsqlConnection> OpenPrimaryAsync(CancellationToken ct) => _connections.OpenAsync(_connections.Write, ct);

    public override async Task<T> WriteAsync<T>(Func<IStoreTransaction, Task<T>> work, CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            await using var connection = await _connections.OpenAsync(_connections.Write, ct);
            var committing = false;
            try
            {
                await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
                var tx = new RelationalTransaction(this, connection, transaction);
                var result = await work(tx);
                committing = true;
                await transaction.CommitAsync(ct);
                Statistics.Committed(tx.Growth);
                await ReportCommitAsync(connection, ct);
                return result;
            }
            catch (PostgresException e) when (IsRetryable(e))
            {
                if (attempt == MaxAttempts)
                    throw FhirException.Conflict($"The write collided with concurrent writes {MaxAttempts} times ({e.SqlState}); try again.");
                Interlocked.Increment(ref _retries);
            }
            // The database dropped the connection before the commit was sent (a restart, a failover): nothing was written,
            // so the write runs again on a new connection. A connection lost during the commit is not retried: its outcome
            // is unknown, and the client hears so.
            catch (NpgsqlException e) when (!committing && IsConnectionLost(e) && attempt < MaxAttempts)
            {
                ConnectionLost();
                Interlocked.Increment(ref _retries);
            }
            // A resource absent at read-for-update (so nothing was locked) was created by another writer before this one's
            // version check: the re-run reads and locks the new row.
            catch (VersionConflictException e) when (attempt < MaxAttempts && e.ExpectedVersion == 0)
            {
                Interlocked.Increment(ref _retries);
            }
            // The transaction is rolled back on dispose; wait a little, with jitter, so racers do not collide again in step.
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(2, 10) * (1 << attempt)), ct);
        }
    }

    /// <summary>Tells the request's scope where its commit ended in the WAL, so its client can ask later reads to include it.
    /// The insert position is read after the commit, so it is at or past the commit record even with asynchronous commit.</summary>
    private async Task ReportCommitAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        // Only for requests that write: a read's own AuditEvent is the server's record, not something its client reads back.
        if (_replica is null || ReadConsistency.Current is not { Primary: true } scope) return;
        try
        {
            await using var command = new NpgsqlCommand("SELECT (pg_current_wal_insert_lsn() - '0/0')::bigint", connection);
            scope.Commit((ulong)(long)(await command.ExecuteScalarAsync(ct))!);
        }
        catch (NpgsqlException)
        {
            // The write is committed; without its position the client's next read may be served a little stale, no worse.
        }
    }

    /// <summary>Serialization failure, deadlock, or a concurrent first insert of the same resource (its version is then re-read).</summary>
    internal static bool IsRetryable(PostgresException e) => e.SqlState switch
    {
        PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected => true,
        PostgresErrorCodes.UniqueViolation => e.ConstraintName is "resource_type_id_key" or "resource_history_pkey",
        _ => false,
    };

    /// <summary>A broken socket, or the server ending the session (admin shutdown, crash recovery): class 08 and 57P.</summary>
    protected override bool IsConnectionLost(Exception e) => e switch
    {
        PostgresException p => p.SqlState.StartsWith("08", StringComparison.Ordinal) || p.SqlState.StartsWith("57P", StringComparison.Ordinal),
        NpgsqlException n => n.InnerException is System.IO.IOException or System.Net.Sockets.SocketException,
        _ => false,
    };

    protected override void ConnectionLost()
    {
        _connections.ClearPools();
        _replica?.Clear();
    }

    protected override string ForUpdateClause => " FOR UPDATE";

    protected override bool ArrayParameters => true;

    protected override string KeyShareClause => " FOR KEY SHARE OF r";

    protected override string SkipLockedClause => " FOR UPDATE SKIP LOCKED";

    protected override async Task LockAsync(DbConnection connection, DbTransaction transaction, string key, CancellationToken ct)
    {
        // Held to the end of the transaction: a second conditional create with the same search waits, then sees the first's row.
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended(@k, 0))", (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        command.Parameters.AddWithValue("k", key);
        await command.ExecuteNonQueryAsync(ct);
    }

    protected override void BindJson(DbParameter parameter, string json)
    {
        ((NpgsqlParameter)parameter).NpgsqlDbType = NpgsqlDbType.Jsonb;
        parameter.Value = json;
    }

    protected override async Task PutManyAsync(RelationalTransaction tx, IReadOnlyList<ResourceWrite> writes, CancellationToken ct)
    {
        if (writes.Count < BulkThreshold && writes.Sum(w => w.Index.Count) < BulkIndexRowThreshold)
        {
            await base.PutManyAsync(tx, writes, ct);
            return;
        }
        await PostgresBulkWriter.WriteAsync((NpgsqlConnection)tx.Connection, writes, BulkMode, ct);
    }

    public async ValueTask DisposeAsync()
    {
        await Statistics.DisposeAsync();
        await _connections.DisposeAsync();
        if (_replica is not null) await _replica.DisposeAsync();
    }
}
