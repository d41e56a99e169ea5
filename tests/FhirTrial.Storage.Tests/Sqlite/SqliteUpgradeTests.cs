using FhirTrial.Fhir.Storage;
using FhirTrial.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace FhirTrial.Storage.Tests.Sqlite;

/// <summary>A store file written by an earlier build opens with what later builds added (SQLite adds columns only once).</summary>
public sealed class SqliteUpgradeTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fhirtrial-sqlite-upgrade-").FullName;
    private string ConnectionString => $"Data Source={Path.Combine(_folder, "store.db")}";

    public Task InitializeAsync() => System.Threading.Tasks.Task.CompletedTask;

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
        return System.Threading.Tasks.Task.CompletedTask;
    }

    [Fact]
    public async Task An_outbox_made_before_event_numbers_gets_them_and_its_waiting_rows_are_numbered_when_claimed()
    {
        await using (var connection = new SqliteConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            // the outbox as the build before event numbers made it, with one notification waiting
            command.CommandText = """
                CREATE TABLE subscription_outbox (
                  id INTEGER PRIMARY KEY AUTOINCREMENT, subscription_id TEXT NOT NULL, resource_type TEXT NOT NULL,
                  resource_id TEXT NOT NULL, version INTEGER NOT NULL, occurred INTEGER NOT NULL, attempts INTEGER NOT NULL,
                  next_attempt INTEGER NOT NULL, last_error TEXT);
                INSERT INTO subscription_outbox (subscription_id, resource_type, resource_id, version, occurred, attempts, next_attempt)
                VALUES ('s1', 'AdverseEvent', 'a1', 1, 0, 0, 0);
                """;
            await command.ExecuteNonQueryAsync();
        }

        var store = new SqliteFhirStore(ConnectionString);
        await store.MigrateAsync(CancellationToken.None);
        await store.MigrateAsync(CancellationToken.None); // a second start adds nothing

        var claimed = Assert.Single(await ((ISubscriptionOutbox)store).ClaimDueAsync(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1), 10, CancellationToken.None));
        Assert.Equal(("s1", 1L), (claimed.SubscriptionId, claimed.EventNumber));
    }
}
