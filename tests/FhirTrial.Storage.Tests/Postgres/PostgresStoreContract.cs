using FhirTrial.Fhir.Storage;
using FhirTrial.Storage.Postgres;
using FhirTrial.Storage.Tests.Contract;

namespace FhirTrial.Storage.Tests.Postgres;

/// <summary>The storage contract on the PostgreSQL store: a fresh database per test on the private cluster, dropped afterwards.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreContract(PostgresCluster cluster) : StoreContract
{
    private string _connectionString = "";

    protected override async Task<IFhirStore> CreateStoreAsync()
        => new PostgresFhirStore(_connectionString = await cluster.CreateDatabaseAsync("contract"));

    protected override IFhirStore Reopen() => new PostgresFhirStore(_connectionString);

    protected override async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    protected override async Task<long> QueryLongAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    protected override Task BackfillSubscriptionOwnersAsync() => ExecuteSqlAsync(PostgresMigrations.SubscriptionOwnerRows);

    protected override async Task DeleteStoreAsync(IFhirStore store)
    {
        await base.DeleteStoreAsync(store);
        await cluster.DropDatabaseAsync(_connectionString);
    }
}
