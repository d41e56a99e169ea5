using FhirTrial.Fhir.Engine;
using FhirTrial.Storage.Postgres;
using Hl7.Fhir.Model;
using Npgsql;

namespace FhirTrial.Storage.Tests.Postgres;

/// <summary>The store keeps planner statistics fresh after a large write, without being asked and without delaying it.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStatisticsTests(PostgresCluster cluster) : PostgresDatabase(cluster)
{
    private async Task<double> RowEstimateAsync(string table)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT reltuples FROM pg_class WHERE oid = to_regclass(@t)", connection);
        command.Parameters.AddWithValue("t", table);
        return Convert.ToDouble(await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_bulk_write_that_grows_the_tables_gets_them_analyzed_in_the_background()
    {
        var writes = Enumerable.Range(0, 1200).Select(n => Resources.Prepare(new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "718-7"),
            Subject = new ResourceReference($"Patient/p{n % 30}"),
            Effective = new FhirDateTime(2025, 1, 1 + n % 28),
            Value = new Quantity(10 + n % 7, "g/dL", "http://unitsofmeasure.org"),
        }, ResourceService.NewId(), 1, "POST")).ToList();
        Assert.True(await RowEstimateAsync("idx_token") <= 0, "a new table has no statistics yet");

        await Store.WriteAsync(async tx => { await tx.PutManyAsync(writes, CancellationToken.None); return 0; }, CancellationToken.None);
        Assert.True(await RowEstimateAsync("idx_token") <= 0, "the write returns before the analyze (which waits for a quiet second)");
        await Store.Statistics.IdleAsync();

        Assert.Equal(1200, await RowEstimateAsync("resource"));
        Assert.True(await RowEstimateAsync("idx_reference") >= 1200);
        Assert.True(await RowEstimateAsync("idx_token") >= 1200);
        Assert.Equal(1, Store.Statistics.Refreshes);
    }

    [Fact]
    public async Task Small_writes_leave_the_statistics_to_autovacuum()
    {
        await Resources.CreateAsync(new Patient { Id = "one" }, null, CancellationToken.None);
        await Store.Statistics.IdleAsync();

        Assert.Equal(0, Store.Statistics.Refreshes);
    }
}
