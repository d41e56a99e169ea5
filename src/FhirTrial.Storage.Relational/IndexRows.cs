using FhirTrial.Fhir.Indexing;

namespace FhirTrial.Storage.Relational;

/// <summary>Maps index entries to (table, value columns) rows.</summary>
public static class IndexRows
{
    public static (string Table, object?[] Values) Of(IndexEntry entry) => entry switch
    {
        StringIndex s => ("idx_string", [Truncate(s.Normalized), Truncate(s.Exact)]),
        TokenIndex t => ("idx_token", [t.System, t.Code, t.Text is null ? null : Truncate(StringNormalizer.Normalize(t.Text))]),
        DateIndex d => ("idx_date", [d.Low, d.High]),
        NumberIndex n => ("idx_number", [(double)n.Value]),
        QuantityIndex q => ("idx_quantity", [q.System, q.Code, (double)q.Value, q.CanonicalCode, (double?)q.CanonicalValue]),
        UriIndex u => ("idx_uri", [u.Uri]),
        ReferenceIndex r => ("idx_reference", [r.TargetType, r.TargetId, r.Url, r.IdentifierSystem, r.IdentifierValue]),
        _ => throw new ArgumentOutOfRangeException(nameof(entry)),
    };

    /// <summary>The table an entry's row goes to.</summary>
    public static string TableOf(IndexEntry entry) => entry switch
    {
        StringIndex => "idx_string",
        TokenIndex => "idx_token",
        DateIndex => "idx_date",
        NumberIndex => "idx_number",
        QuantityIndex => "idx_quantity",
        UriIndex => "idx_uri",
        ReferenceIndex => "idx_reference",
        _ => throw new ArgumentOutOfRangeException(nameof(entry)),
    };

    // Long free text is searchable by its start; the full value stays in the resource.
    private static string Truncate(string s) => s.Length <= 512 ? s : s[..512];
}
