using System.Globalization;

namespace FhirTrial.Fhir.Storage;

/// <summary>
/// What the reads of one request must see when a store serves reads from a replica: the commit position the client has
/// already been told of (read-your-writes), and whether the request writes (its reads then go to the primary). The host
/// enters one scope per request; a store that replicates reports the position of each commit into it, and the host
/// hands that position to the client for its next request.
/// </summary>
public sealed class ReadConsistency(ulong? readAfter = null, bool primary = false)
{
    private static readonly AsyncLocal<ReadConsistency?> CurrentScope = new();
    private readonly Lock _gate = new();
    private ulong? _committed;

    /// <summary>The scope of the request running on this flow, or null (background work: any replica will do).</summary>
    public static ReadConsistency? Current => CurrentScope.Value;

    /// <summary>The reads must include everything committed up to this position.</summary>
    public ulong? ReadAfter => Max(readAfter, Committed);

    /// <summary>The reads go to the primary: the request writes, and reads that decide a write must not be stale.</summary>
    public bool Primary => primary;

    /// <summary>The position just past the latest commit made in this scope, once one was made.</summary>
    public ulong? Committed
    {
        get { lock (_gate) return _committed; }
    }

    public void Commit(ulong position)
    {
        lock (_gate) _committed = Max(_committed, position);
    }

    public static IDisposable Enter(ReadConsistency scope)
    {
        var previous = CurrentScope.Value;
        CurrentScope.Value = scope;
        return new Exit(() => CurrentScope.Value = previous);
    }

    /// <summary>A position as PostgreSQL writes an LSN: two hexadecimal halves, <c>16/B374D848</c>.</summary>
    public static string Format(ulong position)
        => string.Create(CultureInfo.InvariantCulture, $"{position >> 32:X}/{position & 0xFFFFFFFF:X}");

    public static bool TryParse(string? text, out ulong position)
    {
        position = 0;
        var parts = text?.Trim().Split('/');
        if (parts is not { Length: 2 }
            || !uint.TryParse(parts[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var high)
            || !uint.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var low))
            return false;
        position = (ulong)high << 32 | low;
        return true;
    }

    private static ulong? Max(ulong? a, ulong? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    private sealed class Exit(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
