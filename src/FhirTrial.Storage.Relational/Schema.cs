namespace FhirTrial.Storage.Relational;

/// <summary>The table shape both stores share; each store supplies its column types.</summary>
public static class Schema
{
    /// <summary>Index tables with their value columns, in the order rows are written.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> IndexTables = new Dictionary<string, string[]>
    {
        ["idx_string"] = ["norm", "exact"],
        ["idx_token"] = ["system", "code", "text"],
        ["idx_date"] = ["low", "high"],
        ["idx_number"] = ["value"],
        ["idx_quantity"] = ["system", "code", "value", "canon_code", "canon_value"],
        ["idx_uri"] = ["uri"],
        ["idx_reference"] = ["target_type", "target_id", "url", "ident_system", "ident_value"],
    };

    /// <summary>
    /// What a history row holds instead of JSON when its version is the resource's current one: the JSON literal
    /// <c>null</c>. The current JSON is on the resource row, and a load wrote every document twice (ADR 0015). When a
    /// newer version replaces it, a trigger on the resource row (<see cref="KeepReplacedVersion"/>) moves the older JSON
    /// into its history row.
    /// </summary>
    public const string OnResourceRow = "'null'";

    /// <summary>A history row's JSON (alias <c>h</c>), read from the resource row when the version is current.</summary>
    public const string HistoryJson =
        "COALESCE(NULLIF(h.json, 'null'), (SELECT c.json FROM resource c WHERE c.type = h.type AND c.id = h.id))";

    /// <summary>The body of each store's <c>BEFORE UPDATE</c> trigger on <c>resource</c> when the version changes: the
    /// replaced version's JSON goes into its history row if that row still points at the resource row. In the database,
    /// so that every writer keeps it, a build from before ADR 0015 or a hand-written statement too.</summary>
    public const string KeepReplacedVersion =
        "UPDATE resource_history SET json = OLD.json WHERE type = OLD.type AND id = OLD.id AND version = OLD.version AND json = 'null'";
}
