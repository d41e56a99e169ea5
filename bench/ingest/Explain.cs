using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Search;
using FhirTrial.Storage.Relational;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FhirTrial.Bench.Ingest;

/// <summary>EXPLAIN (ANALYZE) of the search mix, compiled exactly as the store compiles it.</summary>
internal static class Explain
{
    public static async Task RunAsync(string connectionString, string patientId, Options options)
    {
        await using var engine = new ServiceCollection().AddFhirEngine().BuildServiceProvider();
        var parser = engine.GetRequiredService<SearchParser>();
        var queries = new (string Type, string Query)[]
        {
            ("Observation", $"subject=Patient/{patientId}&code=http://loinc.org|718-7"),
            ("Observation", "code=http://loinc.org|718-7&value-quantity=lt9.5|http://unitsofmeasure.org|g/dL&_count=20"),
            ("Observation", $"subject=Patient/{patientId}&date=ge2025-03-01&date=lt2025-05-01"),
            ("Patient", $"identifier={EhrFeed.MrnSystem}|MRN{options.FirstPatient:D7}"),
            ("AdverseEvent", $"subject=Patient/{patientId}"),
            ("Observation", $"patient=Patient/{patientId}&code=http://loinc.org|21889-1&_sort=-date"),
            ("Observation", $"patient=Patient/{patientId}"),
            ("Observation", $"subject:Patient.identifier={EhrFeed.MrnSystem}|MRN{options.FirstPatient:D7}&code=http://loinc.org|718-7"),
            ("Observation", "code=http://loinc.org|718-7&date=ge2025-03-01&date=lt2025-03-15&_count=20"),
        };
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var (type, query) in queries)
        {
            var parsed = parser.Parse(type, QueryString.Parse(query), strict: true).Query;
            var sql = new SqlBuilder { ArrayParameters = true }.Append("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ");
            if (parsed.Sort.Count == 0 && SearchCompiler.MatchedByIndexAlone(parsed))
                // as the store answers it: the matching keys once, for page and total (the page's rows are then read by key)
                SearchCompiler.MatchingKeys(sql, parsed, RelationalFhirStore.DefaultKeysFirstLimit + 1);
            else
            {
                sql.Append("SELECT r.rkey, r.type, r.id, r.version, r.last_updated, r.deleted, r.json FROM resource r WHERE ");
                SearchCompiler.Where(sql, parsed);
                SearchCompiler.OrderBy(sql, parsed);
                sql.Append($" LIMIT {sql.Param(parsed.Count)} OFFSET {sql.Param(parsed.Offset)}");
            }
            await using var command = (NpgsqlCommand)sql.ToCommand(connection, null);
            Console.WriteLine($"\n### {type}?{query}\n```");
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) Console.WriteLine(reader.GetString(0));
            Console.WriteLine("```");
        }
    }
}
