using System.Globalization;
using System.Text.Json;

namespace FhirTrial.Trial.Datasets.Formats;

/// <summary>Where a dataset file comes from: the study, the time the files were made, and the system that made them.</summary>
public sealed record DatasetSource(string StudyId, DateTimeOffset CreatedAt, string SystemName = "FhirTrial", string SystemVersion = "0.1.0")
{
    public string MetaDataVersionOid => $"MDV.{StudyId}";

    public static string ItemGroupOid(string dataset) => $"IG.{dataset}";

    public static string ItemOid(string dataset, string variable) => $"IT.{dataset}.{variable}";

    public string Timestamp => CreatedAt.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
}

/// <summary>
/// A dataset as CDISC Dataset-JSON 1.1: file metadata, <c>columns</c> (itemOID, name, label, dataType, length, keySequence)
/// and <c>rows</c> as arrays in column order. Dates are ISO 8601 strings of dataType <c>date</c>; the ADaM numeric dates
/// say <c>targetDataType: integer</c> (SAS days) with display format DATE9.
/// </summary>
public static class DatasetJsonWriter
{
    public const string Version = "1.1.0";

    public static string DataType(VariableType type) => type switch
    {
        VariableType.Text => "string",
        VariableType.Integer => "integer",
        VariableType.Float => "double",
        _ => "date",
    };

    public static byte[] Write(Dataset dataset, DatasetSource source)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false }))
        {
            var name = dataset.Name;
            json.WriteStartObject();
            json.WriteString("datasetJSONCreationDateTime", source.Timestamp);
            json.WriteString("datasetJSONVersion", Version);
            json.WriteString("fileOID", $"{source.SystemName}.{source.StudyId}.{name}");
            json.WriteString("originator", source.SystemName);
            json.WriteStartObject("sourceSystem");
            json.WriteString("name", source.SystemName);
            json.WriteString("version", source.SystemVersion);
            json.WriteEndObject();
            json.WriteString("studyOID", source.StudyId);
            json.WriteString("metaDataVersionOID", source.MetaDataVersionOid);
            json.WriteString("metaDataRef", "define.xml");
            json.WriteString("itemGroupOID", DatasetSource.ItemGroupOid(name));
            json.WriteNumber("records", dataset.Rows.Count);
            json.WriteString("name", name);
            json.WriteString("label", dataset.Definition.Label);
            json.WriteStartArray("columns");
            var lengths = DatasetLengths.Of(dataset);
            for (var i = 0; i < dataset.Variables.Count; i++)
            {
                var v = dataset.Variables[i];
                json.WriteStartObject();
                json.WriteString("itemOID", DatasetSource.ItemOid(name, v.Name));
                json.WriteString("name", v.Name);
                json.WriteString("label", v.Label);
                json.WriteString("dataType", DataType(v.Type));
                if (v.Type == VariableType.NumericDate)
                {
                    json.WriteString("targetDataType", "integer");
                    json.WriteString("displayFormat", "DATE9.");
                }
                if (v.Type == VariableType.Text) json.WriteNumber("length", lengths[i]);
                var key = dataset.Definition.Keys.ToList().IndexOf(v.Name);
                if (key >= 0) json.WriteNumber("keySequence", key + 1);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("rows");
            foreach (var row in dataset.Rows)
            {
                json.WriteStartArray();
                for (var i = 0; i < row.Count; i++)
                {
                    switch (row[i])
                    {
                        case null: json.WriteNullValue(); break;
                        case int n: json.WriteNumberValue(n); break;
                        case decimal m when dataset.Variables[i].Type == VariableType.Integer: json.WriteNumberValue((long)m); break;
                        case decimal m: json.WriteNumberValue((double)m); break;
                        case double x: json.WriteNumberValue(x); break;
                        case var other: json.WriteStringValue(DatasetFormats.Text(other)); break;
                    }
                }
                json.WriteEndArray();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return stream.ToArray();
    }
}

/// <summary>The length of each variable as define.xml, Dataset-JSON and XPORT give it: for text the longest value in UTF-8 bytes (at least 1), 8 for numbers.</summary>
public static class DatasetLengths
{
    public static int[] Of(Dataset dataset)
    {
        var lengths = new int[dataset.Variables.Count];
        for (var i = 0; i < lengths.Length; i++)
        {
            var v = dataset.Variables[i];
            lengths[i] = v.Type switch
            {
                VariableType.Text => Math.Max(1, dataset.Rows.Select(r => r[i] is string s ? System.Text.Encoding.UTF8.GetByteCount(s) : 0).DefaultIfEmpty(0).Max()),
                VariableType.IsoDate => 10,
                _ => 8,
            };
        }
        return lengths;
    }
}
