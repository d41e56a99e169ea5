using System.IO.Compression;
using System.Net.Http.Headers;
using Spectre.Console;

namespace FhirTrial.Cli;

/// <summary>
/// <c>fhirtrial datasets --server URL --study ID --out DIR [--cutoff D] [--format csv|dataset-json|xpt]</c>: fetches the
/// study's <c>$analysis-datasets</c> zip and unpacks it into DIR (the datasets and define.xml), listing what it wrote.
/// </summary>
public sealed class DatasetsCommand(FhirServer server, IAnsiConsole console)
{
    public required string StudyId { get; init; }
    public DateOnly? Cutoff { get; init; }
    public string? Format { get; init; }

    public async Task<int> RunAsync(string outFolder, CancellationToken ct)
    {
        var query = new List<string>();
        if (Cutoff is { } cutoff) query.Add("cutoff=" + cutoff.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        if (Format is not null) query.Add("format=" + Uri.EscapeDataString(Format));
        var url = server.Url($"ResearchStudy/{Uri.EscapeDataString(StudyId)}/$analysis-datasets" + (query.Count > 0 ? "?" + string.Join("&", query) : ""));
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/zip"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(FhirServer.FhirJson, 0.5));
        var response = await server.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode || response.Content.Headers.ContentType?.MediaType != "application/zip")
        {
            console.MarkupLineInterpolated(
                $"[red]The datasets were refused ({(int)response.StatusCode}):[/] {FhirServer.Diagnostics(response.StatusCode, await response.Content.ReadAsStringAsync(ct))}");
            return ExitCodes.DataErrors;
        }

        Directory.CreateDirectory(outFolder);
        var root = Path.GetFullPath(outFolder);
        var table = new Table().Border(TableBorder.Rounded).AddColumns("file", "bytes");
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        using var zip = new ZipArchive(body, ZipArchiveMode.Read);
        foreach (var entry in zip.Entries)
        {
            // Only plain names: an entry may never write outside DIR.
            var target = Path.GetFullPath(Path.Combine(root, entry.Name));
            if (entry.Name.Length == 0 || entry.Name != entry.FullName || Path.GetDirectoryName(target) != root.TrimEnd(Path.DirectorySeparatorChar))
            {
                console.MarkupLineInterpolated($"[red]The server's zip holds an entry that is not a plain file name: {entry.FullName}[/]");
                return ExitCodes.DataErrors;
            }
            entry.ExtractToFile(target, overwrite: true);
            table.AddRow(Markup.Escape(entry.Name), entry.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        console.Write(table);
        console.MarkupLineInterpolated($"[green]{zip.Entries.Count} files[/] in {root}.");
        return ExitCodes.Ok;
    }
}
