using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace FhirTrial.Tests.Shared;

/// <summary>A dataset as read back from a file: variable names, labels, whether numeric, and each row's values as text.</summary>
public sealed record ReadDataset(string Name, string Label, IReadOnlyList<(string Name, string Label, bool Numeric, string? Format)> Variables,
    IReadOnlyList<string?[]> Rows)
{
    /// <summary>The rows as CSV would show them, for comparing formats.</summary>
    public IEnumerable<string> Lines() => Rows.Select(r => string.Join('|', r.Select(v => v ?? "")));

    public int IndexOf(string variable) => Variables.Select(v => v.Name).ToList().IndexOf(variable);

    public IEnumerable<Dictionary<string, string?>> Records() =>
        Rows.Select(r => Variables.Select((v, i) => (v.Name, r[i])).ToDictionary(x => x.Name, x => x.Item2));
}

/// <summary>
/// Readers written apart from the server's writers, from the formats' specifications: SAS XPORT v5 (TS-140), CDISC
/// Dataset-JSON 1.1 and CSV (RFC 4180). Numbers are shown as the shortest round-trip text, SAS dates (format DATE) as ISO dates.
/// </summary>
public static class DatasetReaders
{
    private static readonly DateOnly SasEpoch = new(1960, 1, 1);

    public static Dictionary<string, byte[]> Unzip(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        return archive.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var stream = e.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        });
    }

    public static ReadDataset Xpt(byte[] file)
    {
        string Text(int offset, int length) => Encoding.ASCII.GetString(file, offset, length);
        string Record(int index) => Text(index * 80, 80);

        if (!Record(0).StartsWith("HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!", StringComparison.Ordinal))
            throw new FormatException("not an XPORT file: no library header");
        if (!Record(3).StartsWith("HEADER RECORD*******MEMBER  HEADER RECORD!!!!!!!", StringComparison.Ordinal))
            throw new FormatException("no member header");
        var namestrSize = int.Parse(Record(3).Substring(74, 4), CultureInfo.InvariantCulture);
        var name = Text(5 * 80 + 8, 8).TrimEnd();
        var label = Text(6 * 80 + 32, 40).TrimEnd();
        var namestrHeader = Record(7);
        if (!namestrHeader.StartsWith("HEADER RECORD*******NAMESTR HEADER RECORD!!!!!!!", StringComparison.Ordinal))
            throw new FormatException("no namestr header");
        var count = int.Parse(namestrHeader.Substring(54, 4), CultureInfo.InvariantCulture);

        var variables = new List<(string Name, string Label, bool Numeric, string? Format, int Length, int Position)>();
        var offset = 8 * 80;
        for (var i = 0; i < count; i++, offset += namestrSize)
        {
            var span = file.AsSpan(offset, namestrSize);
            var type = BinaryPrimitives.ReadInt16BigEndian(span);
            var length = BinaryPrimitives.ReadInt16BigEndian(span[4..]);
            var format = Encoding.ASCII.GetString(span.Slice(56, 8)).TrimEnd();
            variables.Add((Encoding.ASCII.GetString(span.Slice(8, 8)).TrimEnd(), Encoding.ASCII.GetString(span.Slice(16, 40)).TrimEnd(),
                type == 1, format.Length > 0 ? format : null, length, BinaryPrimitives.ReadInt32BigEndian(span[84..])));
        }
        offset = (offset + 79) / 80 * 80;
        if (!Text(offset, 80).StartsWith("HEADER RECORD*******OBS     HEADER RECORD!!!!!!!", StringComparison.Ordinal))
            throw new FormatException("no observation header");
        offset += 80;

        var rowLength = variables.Sum(v => v.Length);
        var rows = new List<string?[]>();
        // Trailing blanks pad the last record; a row of blanks only can be padding.
        while (rowLength > 0 && offset + rowLength <= file.Length && file.AsSpan(offset, rowLength).IndexOfAnyExcept((byte)' ') >= 0)
        {
            rows.Add(variables.Select(v =>
            {
                var cell = file.AsSpan(offset + v.Position, v.Length);
                if (!v.Numeric) return Encoding.UTF8.GetString(cell).TrimEnd(' ') is { Length: > 0 } s ? s : null;
                return IbmToDouble(cell) is { } number
                    ? v.Format == "DATE" ? SasEpoch.AddDays((int)number).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : number.ToString("R", CultureInfo.InvariantCulture)
                    : null;
            }).ToArray());
            offset += rowLength;
        }
        return new ReadDataset(name, label, variables.Select(v => (v.Name, v.Label, v.Numeric, v.Format)).ToList(), rows);
    }

    /// <summary>IBM hexadecimal floating point (sign, excess-64 exponent of 16, 56-bit fraction); null for a SAS missing value.</summary>
    public static double? IbmToDouble(ReadOnlySpan<byte> bytes)
    {
        var fraction = 0UL;
        for (var i = 1; i < 8; i++) fraction = (fraction << 8) | bytes[i];
        if (fraction == 0 && (bytes[0] == (byte)'.' || bytes[0] == (byte)'_' || bytes[0] is >= (byte)'A' and <= (byte)'Z')) return null;
        if (fraction == 0) return 0;
        var exponent = (bytes[0] & 0x7F) - 64;
        var value = fraction / Math.Pow(2, 56) * Math.Pow(16, exponent);
        return (bytes[0] & 0x80) != 0 ? -value : value;
    }

    public static ReadDataset DatasetJson(byte[] file)
    {
        using var document = JsonDocument.Parse(file);
        var root = document.RootElement;
        if (root.GetProperty("datasetJSONVersion").GetString() is not { } version || !version.StartsWith("1.1", StringComparison.Ordinal))
            throw new FormatException("not Dataset-JSON 1.1");
        var columns = root.GetProperty("columns").EnumerateArray().Select(c => (
            Name: c.GetProperty("name").GetString()!, Label: c.GetProperty("label").GetString()!,
            Numeric: c.GetProperty("dataType").GetString() is "integer" or "decimal" or "float" or "double",
            Format: c.TryGetProperty("displayFormat", out var f) ? f.GetString() : null)).ToList();
        var rows = root.GetProperty("rows").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.Number => v.GetDouble().ToString("R", CultureInfo.InvariantCulture),
            _ => v.GetString(),
        }).ToArray()).ToList();
        if (root.GetProperty("records").GetInt32() != rows.Count) throw new FormatException("records does not count the rows");
        return new ReadDataset(root.GetProperty("name").GetString()!, root.GetProperty("label").GetString()!, columns, rows);
    }

    /// <summary>RFC 4180 CSV with a header row; an empty cell is a missing value.</summary>
    public static ReadDataset Csv(string name, byte[] file)
    {
        var text = Encoding.UTF8.GetString(file);
        var records = new List<List<string>>();
        var record = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { record.Add(cell.ToString()); cell.Clear(); }
            else if (c == '\r') { }
            else if (c == '\n') { record.Add(cell.ToString()); cell.Clear(); records.Add(record); record = []; }
            else cell.Append(c);
        }
        var header = records[0];
        return new ReadDataset(name, "", header.Select(h => (h, "", false, (string?)null)).ToList(),
            records.Skip(1).Select(r => r.Select(v => v.Length == 0 ? null : v).ToArray()).ToList());
    }
}
