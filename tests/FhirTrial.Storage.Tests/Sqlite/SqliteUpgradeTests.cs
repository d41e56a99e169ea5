using FhirTrial.Fhir.Storage;
using FhirTrial.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace FhirTrial.Storage.Tests.Sqlite;

/// <summary>A store file written by an earlier build opens with what later builds added (SQLite adds columns only once).</summary>
public sealed class SqliteUpgradeTests() : SqliteFileTest("fhirtrial-sqlite-upgrade-")
{
    [Fact]
    public async Task An_outbox_from_before_event_numbers_gets_them_and_a_stored_subscription_goes_on_from_the_last_outbox_id()
    {
        var store = new SqliteFhirStore(ConnectionString);
        await store.MigrateAsync(CancellationToken.None);
        await using (var connection = new SqliteConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            // back to the build before event numbers: a subscription, and an outbox whose ids reached 42
            command.CommandText = """
                DROP TABLE subscription_event_count;
                ALTER TABLE subscription_outbox DROP COLUMN event_number;
                INSERT INTO resource (type, id, version, last_updated, deleted, json) VALUES ('Subscription', 's1', 1, 0, 0, '{"resourceType":"Subscription"}');
                INSERT INTO subscription_outbox (id, subscription_id, resource_type, resource_id, version, occurred, attempts, next_attempt)
                VALUES (41, 's1', 'AdverseEvent', 'a1', 1, 0, 0, 0), (42, 's2', 'AdverseEvent', 'a1', 1, 0, 0, 0);
                """;
            await command.ExecuteNonQueryAsync();
        }

        await store.MigrateAsync(CancellationToken.None);
        await store.MigrateAsync(CancellationToken.None); // a second start adds nothing

        var outbox = (ISubscriptionOutbox)store;
        var due = await outbox.ClaimDueAsync(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1), 10, CancellationToken.None);
        Assert.Equal(["s1:43", "s2:1"], await Task.WhenAll(due.Select(async n => $"{n.SubscriptionId}:{await outbox.EventNumberAsync(n, CancellationToken.None)}")));
    }
}
