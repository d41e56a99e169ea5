using System.Text;

namespace FhirTrial.Trial.Datasets.Formats;

/// <summary>A dataset as CSV (RFC 4180): UTF-8 without byte-order mark, variable names as the header, ISO 8601 dates, empty for missing.</summary>
public static class CsvDatasetWriter
{
    public static byte[] Write(Dataset dataset)
    {
        var text = new StringBuilder();
        text.AppendJoin(',', dataset.Variables.Select(v => Quote(v.Name))).Append("\r\n");
        foreach (var row in dataset.Rows)
            text.AppendJoin(',', row.Select(value => Quote(DatasetFormats.Text(value) ?? ""))).Append("\r\n");
        return new UTF8Encoding(false).GetBytes(text.ToString());
    }

    private static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? '"' + value.Replace("\"", "\"\"") + '"' : value;
}
