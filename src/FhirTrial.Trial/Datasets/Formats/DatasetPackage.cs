using System.IO.Compression;

namespace FhirTrial.Trial.Datasets.Formats;

/// <summary>
/// The zip a statistician receives: each dataset as <c>&lt;dataset&gt;.&lt;csv|json|xpt&gt;</c> (lower case) and
/// <c>define.xml</c> describing them. Entries are stamped with the creation time, so the same input gives the same bytes.
/// </summary>
public static class DatasetPackage
{
    public const string ContentType = "application/zip";
    public const string DefineFile = "define.xml";

    public static byte[] Write(IReadOnlyList<Dataset> datasets, DatasetFormat format, DatasetSource source, string? studyTitle)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var dataset in datasets)
                Add(zip, format.FileName(dataset.Name), WriteOne(dataset, format, source), source);
            Add(zip, DefineFile, DefineXmlWriter.Write(datasets, source, studyTitle, format), source);
        }
        return stream.ToArray();
    }

    public static byte[] WriteOne(Dataset dataset, DatasetFormat format, DatasetSource source) => format switch
    {
        DatasetFormat.Csv => CsvDatasetWriter.Write(dataset),
        DatasetFormat.DatasetJson => DatasetJsonWriter.Write(dataset, source),
        _ => XportWriter.Write(dataset, source),
    };

    private static void Add(ZipArchive zip, string name, byte[] content, DatasetSource source)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        // Zip times are local and start in 1980.
        entry.LastWriteTime = source.CreatedAt.Year < 1980 ? new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero) : source.CreatedAt;
        using var target = entry.Open();
        target.Write(content);
    }
}
