using FhirTrial.Fhir.Engine;
using FhirTrial.Storage.Sqlite;
using FhirTrial.Storage.Tests.Contract;
using Hl7.Fhir.Model;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace FhirTrial.Storage.Tests.Sqlite;

/// <summary>The embedded store runs <c>PRAGMA optimize</c> after large writes and when it closes.</summary>
public sealed class SqliteStatisticsTests() : SqliteFileTest("fhirtrial-sqlite-stats-")
{
    private async Task<long> AnalyzedIndexesAsync(string table)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'";
        if ((long)(await command.ExecuteScalarAsync())! == 0) return 0;
        command.CommandText = "SELECT count(*) FROM sqlite_stat1 WHERE tbl = $t";
        command.Parameters.AddWithValue("$t", table);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_large_write_gets_the_tables_analyzed_in_the_background()
    {
        await using var store = new SqliteFhirStore(ConnectionString);
        await store.MigrateAsync(default);
        await using var engine = store.BuildFhirEngine(new NoWriteValidation(), StoreContract.Package);
        var resources = engine.GetRequiredService<ResourceService>();
        var writes = Enumerable.Range(0, 1200).Select(n => resources.Prepare(new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "718-7"),
            Subject = new ResourceReference($"Patient/p{n % 30}"),
            Value = new Quantity(10 + n % 7, "g/dL", "http://unitsofmeasure.org"),
        }, ResourceService.NewId(), 1, "POST")).ToList();

        await store.WriteAsync(async tx => { await tx.PutManyAsync(writes, default); return 0; }, default);
        await store.Statistics.IdleAsync();

        Assert.Equal(1, store.Statistics.Refreshes);
        Assert.True(await AnalyzedIndexesAsync("idx_token") > 0);
        Assert.True(await AnalyzedIndexesAsync("idx_reference") > 0);
    }
}
