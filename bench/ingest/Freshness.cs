using Npgsql;

namespace FhirTrial.Bench.Ingest;

/// <summary>What the planner knows of the tables a load grew: rows counted by the last ANALYZE (reltuples, -1 before
/// the first) against the live rows, and when the store (ANALYZE) or autovacuum last refreshed them.</summary>
internal static class Freshness
{
    public static async Task ReportAsync(string connectionString, string when)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT s.relname, c.reltuples::bigint, s.n_live_tup,
                   extract(epoch FROM now() - greatest(s.last_analyze, s.last_autoanalyze))::numeric(10,1),
                   extract(epoch FROM now() - greatest(s.last_vacuum, s.last_autovacuum))::numeric(10,1)
            FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
            WHERE s.relname = 'resource' OR s.relname LIKE 'idx\_%' ORDER BY s.n_live_tup DESC LIMIT 6
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        Console.WriteLine($"statistics {when} (table: rows the planner knows / live rows, seconds since analyze, since vacuum):");
        while (await reader.ReadAsync())
            Console.WriteLine($"  {reader.GetString(0)}: {reader.GetInt64(1)} / {reader.GetInt64(2)}, " +
                              $"{(reader.IsDBNull(3) ? "never" : reader.GetDecimal(3) + " s")}, {(reader.IsDBNull(4) ? "never" : reader.GetDecimal(4) + " s")}");
    }
}
