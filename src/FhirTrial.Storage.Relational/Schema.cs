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
}
