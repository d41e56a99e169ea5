using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Storage;
using FhirTrial.Storage.Postgres;
using Hl7.Fhir.Model;
using Npgsql;

namespace FhirTrial.Storage.Tests.Postgres;

/// <summary>What only the PostgreSQL store has: migrations, the bulk COPY paths, index-driven plans, clear connection errors.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreTests(PostgresCluster cluster) : PostgresDatabase(cluster)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Migrations_run_once_even_when_servers_start_together()
    {
        var connectionString = await Cluster.CreateDatabaseAsync("migrate");
        var applied = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostgresMigrator.MigrateAsync(connectionString)));

        Assert.Equal(PostgresMigrations.All.Select(m => m.Version), applied.SelectMany(a => a).Order());
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM schema_migrations", connection);
        Assert.Equal((long)PostgresMigrations.All.Count, (long)(await command.ExecuteScalarAsync())!);
        Assert.Empty(await PostgresMigrator.MigrateAsync(connectionString));
    }

    [Fact]
    public async Task An_unreachable_server_is_named_in_the_error()
    {
        var port = Cluster.Port == 1 ? 2 : 1;
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => PostgresMigrator.MigrateAsync($"Host=127.0.0.1;Port={port};Username=postgres;Timeout=3"));
        Assert.StartsWith($"cannot reach PostgreSQL at 127.0.0.1:{port}: ", error.Message);
    }

    [Theory]
    [InlineData(BulkResourceInsert.Copy)]
    [InlineData(BulkResourceInsert.Unnest)]
    public async Task Bulk_writes_store_resources_history_and_index_rows_alike(BulkResourceInsert mode)
    {
        await using var store = new PostgresFhirStore(ConnectionString) { BulkMode = mode };
        var patientId = "bulk-" + mode.ToString().ToLowerInvariant();
        var writes = Enumerable.Range(0, 40).Select(n => Resources.Prepare(new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "8302-2"),
            Subject = new ResourceReference($"Patient/{patientId}"),
            Effective = new FhirDateTime(2025, 1, 1 + n % 28),
            Value = new Quantity(150 + n, "cm", "http://unitsofmeasure.org"),
        }, ResourceService.NewId(), 1, "POST")).ToList();

        await store.WriteAsync(async tx => { await tx.PutManyAsync(writes, None); return 0; }, None);

        Assert.Equal(40, await CountAsync("Observation", $"subject=Patient/{patientId}"));
        Assert.Equal(10, await CountAsync("Observation", $"subject=Patient/{patientId}&value-quantity=ge180|http://unitsofmeasure.org|cm"));
        Assert.Equal(40, await CountAsync("Observation", $"subject=Patient/{patientId}&code=http://loinc.org|8302-2&date=ge2025-01-01"));
        var first = await store.ReadAsync("Observation", writes[0].Id, None);
        Assert.Equal(1, first!.Version);
        Assert.NotNull(await store.ReadVersionAsync("Observation", writes[^1].Id, 1, None));
        Assert.IsType<Observation>(FhirSerializer.ParseJson(first.Json));
    }

    [Fact]
    public async Task A_database_from_before_event_numbers_goes_on_counting_from_the_outbox_id_its_clients_last_saw()
    {
        var connectionString = await Cluster.CreateDatabaseAsync("upgrade");
        try
        {
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync();
                // the schema as migration 9 left it, a subscription, and an outbox whose ids reached 42
                var sql = "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());\n"
                    + string.Join("\n", PostgresMigrations.All.Where(m => m.Version <= 9)
                        .Select(m => m.Sql + $"\nINSERT INTO schema_migrations (version, name) VALUES ({m.Version}, 'v{m.Version}');"))
                    + """

                    INSERT INTO resource (type, id, version, last_updated, deleted, json) VALUES ('Subscription', 's1', 1, 0, 0, '{"resourceType":"Subscription"}');
                    SELECT setval('subscription_outbox_id_seq', 40);
                    INSERT INTO subscription_outbox (subscription_id, resource_type, resource_id, version, occurred, attempts, next_attempt)
                    VALUES ('s1', 'AdverseEvent', 'a1', 1, 0, 0, 0), ('s2', 'AdverseEvent', 'a1', 1, 0, 0, 0);
                    """;
                await using var command = new NpgsqlCommand(sql, connection);
                await command.ExecuteNonQueryAsync();
            }
            Assert.Equal([10, 11], (await PostgresMigrator.MigrateAsync(connectionString)).Where(v => v > 9));

            await using var store = new PostgresFhirStore(connectionString);
            var due = await store.ClaimDueAsync(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1), 10, None);
            // s1 existed: it goes on after 42, the last id the outbox gave; s2 was never stored, so it starts at 1
            Assert.Equal(["s1:43", "s2:1"], await Task.WhenAll(due.Select(async n => $"{n.SubscriptionId}:{await store.EventNumberAsync(n, None)}")));
        }
        finally
        {
            await Cluster.DropDatabaseAsync(connectionString);
        }
    }

    [Fact]
    public async Task Reads_and_writes_survive_the_database_dropping_its_connections()
    {
        var first = (await Resources.CreateAsync(new Patient { BirthDate = "1970-01-01" }, null, None)).Stored;
        Assert.NotNull(await Store.ReadAsync("Patient", first.Id, None)); // the pool now holds live connections

        await DropSessionsAsync();
        var retries = Store.Retries;
        var second = (await Resources.CreateAsync(new Patient { BirthDate = "1980-01-01" }, null, None)).Stored;
        Assert.Equal(retries + 1, Store.Retries); // run again on a new connection, once

        await DropSessionsAsync();
        Assert.NotNull(await Store.ReadAsync("Patient", second.Id, None));
        Assert.Equal(1, await CountAsync("Patient", $"_id={second.Id}"));
    }

    /// <summary>What a restart or failover does to the pool: every session of the database ends (SQLSTATE 57P01 on next use).</summary>
    private async Task DropSessionsAsync()
    {
        await using var admin = new NpgsqlConnection(Cluster.AdminConnectionString);
        await admin.OpenAsync();
        await using var terminate = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @d", admin);
        terminate.Parameters.AddWithValue("d", new NpgsqlConnectionStringBuilder(ConnectionString).Database!);
        Assert.True((long)(await terminate.ExecuteScalarAsync())! > 0);
    }

    [Fact]
    public async Task Stored_jsonb_comes_back_as_the_same_resource()
    {
        var patient = new Patient
        {
            Name = [new HumanName { Family = "Ünïcødé", Given = ["Zoë"] }],
            BirthDate = "1970-01-01",
            Extension = [new Extension("http://example.org/weight", new FhirDecimal(70.50m))],
        };
        var stored = (await Resources.CreateAsync(patient, null, None)).Stored;
        var read = await Store.ReadAsync("Patient", stored.Id, None);

        var back = (Patient)FhirSerializer.ParseJson(read!.Json);
        Assert.Equal("Ünïcødé", back.Name[0].Family);
        Assert.Equal("70.50", ((FhirDecimal)back.Extension[0].Value!).Value!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Prefix_string_search_walks_an_index()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SET enable_seqscan = off; EXPLAIN SELECT rkey FROM idx_string WHERE param = 'family' AND norm LIKE 'smi%' ESCAPE '\\'", connection);
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) plan.Add(reader.GetString(0));
        Assert.Contains(plan, line => line.Contains("Index Cond") && line.Contains("norm >="));
    }
}
