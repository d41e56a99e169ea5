using FhirTrial.Fhir.Storage;

namespace FhirTrial.Storage.Relational;

/// <summary>Rows a write transaction added per table (resource and history rows, index rows), for the statistics upkeep.</summary>
public sealed class TableGrowth
{
    private readonly Dictionary<string, long> _rows = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, long> Rows => _rows;

    public long Total { get; private set; }

    public void Add(string table, long rows)
    {
        _rows[table] = _rows.GetValueOrDefault(table) + rows;
        Total += rows;
    }

    /// <summary>A version written: its history row, its resource row when new, and its index rows.</summary>
    public void Add(ResourceWrite write, bool newResource)
    {
        if (newResource) Add("resource", 1);
        Add("resource_history", 1);
        if (write.Deleted) return;
        foreach (var entry in write.Index) Add(IndexRows.TableOf(entry), 1);
    }
}
