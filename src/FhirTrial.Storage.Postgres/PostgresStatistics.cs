using FhirTrial.Storage.Relational;
using Npgsql;

namespace FhirTrial.Storage.Postgres;

/// <summary>
/// The PostgreSQL refresh behind <see cref="StatisticsUpkeep"/>: <c>ANALYZE</c> of each table that grew by a large
/// share since its last analyze. A fresh load seen with the statistics of an empty table was planned as tiny (issue 16:
/// 540 ms for a search that takes 11.5 ms once analyzed); autovacuum would catch up within minutes, not seconds.
/// </summary>
internal static class PostgresStatistics
{
    /// <summary>The share of a table's rows that, added since its last analyze, makes its statistics stale (autovacuum's
    /// default, <c>autovacuum_analyze_scale_factor</c>, is 0.1; migration 8 lowers it on the busy tables).</summary>
    public const double GrowthFraction = 0.1;

    /// <summary>Below this many new rows a table is left to autovacuum.</summary>
    public const long MinimumRows = 500;

    /// <summary>Total rows written (resource, history and index rows) before a refresh is considered: about four Bundles of the EHR feed.</summary>
    public const long Threshold = 5_000;

    private static readonly HashSet<string> Tables = ["resource", "resource_history", .. Schema.IndexTables.Keys];

    public static async Task<IReadOnlyCollection<string>> AnalyzeGrownAsync(PostgresConnections connections,
        IReadOnlyDictionary<string, long> grown, CancellationToken ct)
    {
        var candidates = grown.Where(g => g.Value >= MinimumRows && Tables.Contains(g.Key)).ToList();
        if (candidates.Count == 0) return [];
        await using var connection = await connections.OpenAsync(connections.Write, ct);
        var rows = new Dictionary<string, double>(StringComparer.Ordinal);
        await using (var sizes = new NpgsqlCommand("SELECT t, c.reltuples FROM unnest(@names) t JOIN pg_class c ON c.oid = to_regclass(t)", connection))
        {
            sizes.Parameters.AddWithValue("names", candidates.Select(c => c.Key).ToArray());
            await using var reader = await sizes.ExecuteReaderAsync(ct);
            // reltuples is -1 before a table's first analyze
            while (await reader.ReadAsync(ct)) rows[reader.GetString(0)] = Math.Max(0, reader.GetFloat(1));
        }
        var analyzed = new List<string>();
        foreach (var (table, added) in candidates)
        {
            if (added < MinimumRows + GrowthFraction * rows.GetValueOrDefault(table)) continue;
            // the name comes from the schema's own list above, never from input
            await using var analyze = new NpgsqlCommand($"ANALYZE {table}", connection) { CommandTimeout = 0 };
            await analyze.ExecuteNonQueryAsync(ct);
            analyzed.Add(table);
        }
        return analyzed;
    }
}
