using System.Net;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace FhirTrial.Cli;

/// <summary>
/// <c>fhirtrial export --server URL [--group ID] [--type T,...] [--since INSTANT] --out DIR</c>: a Bulk Data client.
/// Kicks off <c>$export</c>, polls the status URL as its <c>Retry-After</c> says, downloads the ndjson files and the
/// manifest into DIR, then deletes the job on the server.
/// </summary>
public sealed class ExportCommand(FhirServer server, IAnsiConsole console)
{
    public string? GroupId { get; init; }
    public string? Types { get; init; }
    public string? Since { get; init; }
    public bool KeepJob { get; init; }
    public TimeSpan MaxPollInterval { get; init; } = TimeSpan.FromSeconds(10);

    public async Task<int> RunAsync(string outFolder, CancellationToken ct)
    {
        var query = new List<string>();
        if (Types is not null) query.Add("_type=" + Uri.EscapeDataString(Types));
        if (Since is not null) query.Add("_since=" + Uri.EscapeDataString(Since));
        var path = (GroupId is null ? "$export" : $"Group/{Uri.EscapeDataString(GroupId)}/$export") + (query.Count > 0 ? "?" + string.Join("&", query) : "");

        var kickOff = new HttpRequestMessage(HttpMethod.Get, server.Url(path));
        kickOff.Headers.TryAddWithoutValidation("Prefer", "respond-async");
        var response = await server.SendAsync(kickOff, ct);
        if (response.StatusCode != HttpStatusCode.Accepted || response.Content.Headers.ContentLocation is not { } status)
        {
            console.MarkupLineInterpolated($"[red]The export was refused ({(int)response.StatusCode}):[/] {FhirServer.Diagnostics(response.StatusCode, await response.Content.ReadAsStringAsync(ct))}");
            return ExitCodes.DataErrors;
        }
        var statusUrl = status.IsAbsoluteUri ? status.ToString() : server.Url(status.ToString());
        console.MarkupLineInterpolated($"Export started: [blue]{statusUrl}[/]");

        JsonObject? manifest = null;
        string? failure = null;
        await console.Status().StartAsync("Waiting for the server...", async ctx =>
        {
            while (true)
            {
                var poll = await server.SendAsync(new HttpRequestMessage(HttpMethod.Get, statusUrl), ct);
                var text = await poll.Content.ReadAsStringAsync(ct);
                if (poll.StatusCode == HttpStatusCode.OK)
                {
                    manifest = FhirServer.TryParse(text) as JsonObject;
                    if (manifest is null) failure = "the completion manifest is not JSON";
                    return;
                }
                if (poll.StatusCode != HttpStatusCode.Accepted)
                {
                    failure = $"{(int)poll.StatusCode}: {FhirServer.Diagnostics(poll.StatusCode, text)}";
                    return;
                }
                var progress = poll.Headers.TryGetValues("X-Progress", out var values) ? values.FirstOrDefault() : null;
                ctx.Status(Markup.Escape($"Exporting: {progress ?? "in progress"}"));
                var wait = poll.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                await Task.Delay(wait < TimeSpan.FromMilliseconds(100) ? TimeSpan.FromMilliseconds(100) : wait > MaxPollInterval ? MaxPollInterval : wait, ct);
            }
        });
        if (manifest is null)
        {
            console.MarkupLineInterpolated($"[red]The export failed:[/] {failure}");
            return ExitCodes.DataErrors;
        }

        Directory.CreateDirectory(outFolder);
        var table = new Table().Border(TableBorder.Rounded).AddColumns("type", "resources", "file");
        var total = 0;
        foreach (var output in manifest["output"]?.AsArray() ?? [])
        {
            var url = (string?)output?["url"];
            if (url is null) continue;
            var name = Path.GetFileName(new Uri(url).LocalPath);
            var download = new HttpRequestMessage(HttpMethod.Get, url);
            download.Headers.TryAddWithoutValidation("Accept", "application/fhir+ndjson");
            var file = await server.SendAsync(download, ct);
            if (!file.IsSuccessStatusCode)
            {
                console.MarkupLineInterpolated($"[red]Could not download {url} ({(int)file.StatusCode}).[/]");
                return ExitCodes.DataErrors;
            }
            await using (var target = File.Create(Path.Combine(outFolder, name)))
                await file.Content.CopyToAsync(target, ct);
            var count = (int?)output!["count"] ?? 0;
            total += count;
            table.AddRow(Markup.Escape((string?)output["type"] ?? ""), count.ToString(), Markup.Escape(name));
        }
        await File.WriteAllTextAsync(Path.Combine(outFolder, "manifest.json"), manifest.ToJsonString(new() { WriteIndented = true }), ct);
        console.Write(table);
        console.MarkupLineInterpolated($"[green]{total} resources[/] in {Path.GetFullPath(outFolder)} (manifest.json beside them).");
        if (!KeepJob) await server.SendAsync(new HttpRequestMessage(HttpMethod.Delete, statusUrl), ct);
        return ExitCodes.Ok;
    }
}
