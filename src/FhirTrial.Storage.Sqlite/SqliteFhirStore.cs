using System.Data.Common;
using FhirTrial.Fhir.Storage;
using FhirTrial.Storage.Relational;
using Microsoft.Data.Sqlite;

namespace FhirTrial.Storage.Sqlite;

/// <summary>The embedded store: one SQLite file in WAL mode, one writer at a time, readers alongside.</summary>
public sealed class SqliteFhirStore : RelationalFhirStore, IAsyncDisposable
{
    /// <summary>Rows written (resource, history and index rows) before the planner's statistics are looked at again.</summary>
    public const long StatisticsThreshold = 5_000;

    /// <summary>Rows <c>PRAGMA optimize</c> may sample per index: a bounded, fast ANALYZE (SQLite's advice: a few hundred to a few thousand).</summary>
    private const int AnalysisLimit = 1000;

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private int _disposed;

    public SqliteFhirStore(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true };
        if (!string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:")
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        }
        _connectionString = builder.ToString();
        Statistics = new StatisticsUpkeep(OptimizeAsync, StatisticsThreshold, quiet: TimeSpan.FromMilliseconds(250), maxWait: TimeSpan.FromSeconds(10));
    }

    /// <summary>Runs <c>PRAGMA optimize</c> in the background after large writes.</summary>
    public StatisticsUpkeep Statistics { get; }

    public override async Task MigrateAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;" + string.Join(";\n", SqliteSchema.Statements) + ";";
        await command.ExecuteNonQueryAsync(ct);
        // SQLite adds a column only once: an outbox made by an earlier build gets event_number here, and its
        // subscriptions go on from the outbox row id their clients last saw as event-number.
        command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('subscription_outbox') WHERE name = 'event_number'";
        if (Convert.ToInt64(await command.ExecuteScalarAsync(ct)) > 0) return;
        await using var upgrade = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        command.Transaction = upgrade;
        try
        {
            command.CommandText = "ALTER TABLE subscription_outbox ADD COLUMN event_number INTEGER";
            await command.ExecuteNonQueryAsync(ct);
        }
        catch (SqliteException e) when (e.Message.Contains("duplicate column", StringComparison.OrdinalIgnoreCase))
        {
            return; // another process on the same file added it first
        }
        command.CommandText = """
            INSERT OR IGNORE INTO subscription_event_count (subscription_id, events)
            SELECT r.id, s.seq FROM resource r JOIN sqlite_sequence s ON s.name = 'subscription_outbox' WHERE r.type = 'Subscription'
            """;
        await command.ExecuteNonQueryAsync(ct);
        await upgrade.CommitAsync(ct);
    }

    protected override async Task<DbConnection> OpenReadAsync(CancellationToken ct) => await OpenAsync(ct);

    public override async Task<T> WriteAsync<T>(Func<IStoreTransaction, Task<T>> work, CancellationToken ct)
    {
        await _writer.WaitAsync(ct);
        try
        {
            await using var connection = await OpenAsync(ct);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
            var tx = new RelationalTransaction(this, connection, transaction);
            var result = await work(tx);
            await transaction.CommitAsync(ct);
            Statistics.Committed(tx.Growth);
            return result;
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>
    /// <c>PRAGMA optimize</c> over every table (0x10002: also those this connection has not read), with the sample bounded:
    /// SQLite analyzes the tables whose size moved far from what its statistics say. It writes sqlite_stat1, so it takes
    /// the writer's turn, after the write that asked for it has committed.
    /// </summary>
    private async Task<IReadOnlyCollection<string>> OptimizeAsync(IReadOnlyDictionary<string, long> grown, CancellationToken ct)
    {
        await _writer.WaitAsync(ct);
        try
        {
            await using var connection = await OpenAsync(ct);
            await using var optimize = connection.CreateCommand();
            optimize.CommandText = $"PRAGMA analysis_limit = {AnalysisLimit}; PRAGMA optimize = 0x10002;";
            await optimize.ExecuteNonQueryAsync(ct);
            return grown.Keys.ToList();
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Stops the upkeep and, as SQLite advises before closing, runs <c>PRAGMA optimize</c> once more.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await Statistics.DisposeAsync();
        try
        {
            await OptimizeAsync(new Dictionary<string, long>(), CancellationToken.None);
        }
        catch (SqliteException)
        {
            // a store whose file is gone or locked has nothing to keep
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF;";
        await pragma.ExecuteNonQueryAsync(ct);
        return connection;
    }
}
