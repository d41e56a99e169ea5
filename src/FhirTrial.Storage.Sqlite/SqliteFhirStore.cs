using System.Data.Common;
using FhirTrial.Fhir.Storage;
using FhirTrial.Storage.Relational;
using Microsoft.Data.Sqlite;

namespace FhirTrial.Storage.Sqlite;

/// <summary>The embedded store: one SQLite file in WAL mode, one writer at a time, readers alongside.</summary>
public sealed class SqliteFhirStore : RelationalFhirStore
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer = new(1, 1);

    public SqliteFhirStore(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true };
        if (!string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:")
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        }
        _connectionString = builder.ToString();
    }

    public override async Task MigrateAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;" + string.Join(";\n", SqliteSchema.Statements) + ";";
        await command.ExecuteNonQueryAsync(ct);
    }

    protected override async Task<DbConnection> OpenReadAsync(CancellationToken ct) => await OpenAsync(ct);

    public override async Task<T> WriteAsync<T>(Func<IStoreTransaction, Task<T>> work, CancellationToken ct)
    {
        await _writer.WaitAsync(ct);
        try
        {
            await using var connection = await OpenAsync(ct);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
            var result = await work(new RelationalTransaction(this, connection, transaction));
            await transaction.CommitAsync(ct);
            return result;
        }
        finally
        {
            _writer.Release();
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
