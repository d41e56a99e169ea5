using FhirTrial.Fhir.Storage;
using FhirTrial.Storage.Sqlite;
using FhirTrial.Storage.Tests.Contract;
using Microsoft.Data.Sqlite;

namespace FhirTrial.Storage.Tests.Sqlite;

/// <summary>The storage contract on the embedded store: a SQLite file of its own in a temp folder, removed afterwards.</summary>
public sealed class SqliteStoreContract : StoreContract
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fhirtrial-sqlite-").FullName;

    private string ConnectionString => $"Data Source={Path.Combine(_folder, "store.db")}";

    protected override Task<IFhirStore> CreateStoreAsync() => Task.FromResult<IFhirStore>(new SqliteFhirStore(ConnectionString));

    protected override IFhirStore Reopen() => new SqliteFhirStore(ConnectionString);

    protected override async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    protected override async Task<long> QueryLongAsync(string sql)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    protected override async Task BackfillSubscriptionOwnersAsync()
    {
        var restarted = Reopen();
        await restarted.MigrateAsync(CancellationToken.None);
        if (restarted is IAsyncDisposable disposable) await disposable.DisposeAsync();
    }

    protected override async Task DeleteStoreAsync(IFhirStore store)
    {
        await base.DeleteStoreAsync(store);
        // The store pools connections under its own spelling of the connection string; close them so the file can go.
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder(ConnectionString) { Pooling = true }.ToString()))
            SqliteConnection.ClearPool(connection);
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
