using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace FhirTrial.Cli.Import;

/// <summary>
/// <c>fhirtrial import &lt;folder|file&gt; --server URL</c>: Bundles go in as they are (transactions stay atomic), other JSON
/// resources as one-entry transactions, ndjson files as batch Bundles of <c>--batch-size</c> lines. Resumable through
/// <see cref="ImportState"/>.
/// </summary>
public sealed class ImportCommand(FhirServer server, IAnsiConsole console)
{
    public int BatchSize { get; init; } = 200;
    public bool Restart { get; init; }

    private readonly List<ImportFailure> _failures = [];
    private int _resources;
    private int _refused;

    public IReadOnlyList<ImportFailure> Failures => _failures;

    public async Task<int> RunAsync(string path, CancellationToken ct)
    {
        var (folder, files) = Sources(path);
        var state = ImportState.Load(folder);
        if (Restart) state.Forget(server.BaseUrl);
        await server.EnsureReachableAsync(ct);
        await server.WaitUntilReadyAsync(text => console.MarkupLineInterpolated($"[grey]{text}[/]"), TimeSpan.FromMinutes(3), ct);

        var pending = files.Where(f => !state.For(server.BaseUrl, Name(folder, f)).Completed).ToList();
        var skipped = files.Count - pending.Count;
        if (skipped > 0)
            console.MarkupLineInterpolated($"[grey]Skipping {skipped} file(s) already imported into {server.BaseUrl} (see {ImportState.FileName}; --restart to import them again).[/]");
        var totalBytes = Math.Max(1, pending.Sum(f => new FileInfo(f).Length));
        var clock = Stopwatch.StartNew();
        var filesDone = 0;
        var filesFailed = 0;

        try
        {
            await console.Progress()
                .AutoClear(false)
                .HideCompleted(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                    new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async ctx =>
                {
                    var bar = ctx.AddTask("Importing", maxValue: totalBytes);
                    void Report(string file)
                    {
                        var rate = _resources / Math.Max(0.001, clock.Elapsed.TotalSeconds);
                        bar.Description = Markup.Escape($"{file}: {_resources} resources, {rate:F0}/s");
                    }
                    foreach (var file in pending)
                    {
                        var name = Name(folder, file);
                        Report(name);
                        var progress = state.For(server.BaseUrl, name);
                        var ok = file.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase)
                            ? await ImportNdjsonAsync(file, name, progress, state, bytes => { bar.Increment(bytes); Report(name); }, ct)
                            : await ImportJsonAsync(file, name, progress, ct);
                        if (!file.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase)) bar.Increment(new FileInfo(file).Length);
                        progress.Completed = ok;
                        progress.At = DateTimeOffset.UtcNow;
                        state.Save();
                        if (ok) filesDone++; else filesFailed++;
                        Report(name);
                    }
                    bar.Value = bar.MaxValue;
                    bar.Description = Markup.Escape($"Imported {_resources} resources");
                });
        }
        finally
        {
            state.Save();
            Summary(filesDone, filesFailed, skipped, clock.Elapsed);
        }
        return _failures.Count == 0 ? ExitCodes.Ok : ExitCodes.DataErrors;
    }

    /// <summary>The folder that holds the state file and the files to import: ndjson files of referenced types first, then name order.</summary>
    private static (string Folder, List<string> Files) Sources(string path)
    {
        if (Directory.Exists(path))
        {
            var folder = Path.GetFullPath(path);
            var files = Directory.EnumerateFiles(folder)
                .Where(f => f.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase))
                .Where(f => Path.GetFileName(f) is not (ImportState.FileName or "package.json") && !Path.GetFileName(f).StartsWith('.'))
                .OrderBy(f => ReferenceRank(Path.GetFileName(f)))
                .ThenBy(f => Path.GetFileName(f), StringComparer.Ordinal)
                .ToList();
            if (files.Count == 0) throw new UsageException($"{path} holds no .json or .ndjson files.");
            return (folder, files);
        }
        if (File.Exists(path)) return (Path.GetDirectoryName(Path.GetFullPath(path))!, [Path.GetFullPath(path)]);
        throw new UsageException($"{path} is neither a folder nor a file.");
    }

    private static string Name(string folder, string file) => Path.GetRelativePath(folder, file);

    /// <summary>Types that others reference, in the order they are imported, so that with referential integrity on the
    /// targets of an exported folder's references (<c>Observation.subject</c>, <c>Patient.managingOrganization</c>) are
    /// stored before the files that point at them; other types follow.</summary>
    private static readonly string[] ReferencedFirst =
    [
        "Organization", "Location", "Practitioner", "PractitionerRole", "Medication", "Substance", "Device", "PlanDefinition",
        "Questionnaire", "Patient", "RelatedPerson", "Group", "ResearchStudy", "ResearchSubject", "EpisodeOfCare", "Encounter",
        "BodyStructure", "Specimen", "Condition", "Procedure", "MedicationRequest", "ServiceRequest",
    ];

    /// <summary>The rank of an ndjson file named by its type (<c>Observation.ndjson</c>, <c>Observation-2.ndjson</c>, as bulk
    /// export writes them); Bundles and other types follow, in name order.</summary>
    private static int ReferenceRank(string fileName)
    {
        if (!fileName.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase)) return ReferencedFirst.Length;
        var type = fileName[..fileName.IndexOfAny(['.', '-'])];
        var rank = Array.IndexOf(ReferencedFirst, type);
        return rank < 0 ? ReferencedFirst.Length : rank;
    }

    private async Task<bool> ImportJsonAsync(string file, string name, FileProgress progress, CancellationToken ct)
    {
        var text = await File.ReadAllTextAsync(file, ct);
        if (FhirServer.TryParse(text) is not JsonObject json || json["resourceType"] is null)
        {
            _failures.Add(new ImportFailure(name, "file", 0, "not a FHIR resource in JSON"));
            _refused++;
            return false;
        }
        var type = (string?)json["resourceType"];
        var bundleType = type == "Bundle" ? (string?)json["type"] : null;
        string body;
        bool transaction;
        int count;
        if (bundleType is "transaction" or "batch")
        {
            body = text;
            transaction = bundleType == "transaction";
            count = json["entry"]?.AsArray().Count ?? 0;
        }
        else
        {
            // A collection or searchset Bundle is loaded entry by entry; any other resource as a transaction of one.
            var resources = type == "Bundle"
                ? json["entry"]?.AsArray().Select(e => e?["resource"]).OfType<JsonObject>().ToList() ?? []
                : [json];
            transaction = type != "Bundle";
            body = ToBundle(resources.Select(r => r.ToJsonString()), transaction ? "transaction" : "batch");
            count = resources.Count;
        }
        var response = await server.PostJsonAsync("", body, ct);
        var responseText = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            _failures.Add(new ImportFailure(name, transaction ? "transaction" : "bundle", (int)response.StatusCode,
                FhirServer.Diagnostics(response.StatusCode, responseText)));
            _refused += transaction ? count : Math.Max(1, count);
            return false;
        }
        var failed = transaction ? 0 : EntryFailures(name, responseText, i => $"entry {i + 1}");
        _resources += count - failed;
        _refused += failed;
        progress.Resources = count - failed;
        return failed == 0;
    }

    private async Task<bool> ImportNdjsonAsync(string file, string name, FileProgress progress, ImportState state, Action<long> advance, CancellationToken ct)
    {
        var lineNumber = 0;
        var batch = new List<(int Line, string Json)>();
        long batchBytes = 0;
        var clean = true;
        async Task FlushAsync()
        {
            if (batch.Count == 0) return;
            var failed = await PostBatchAsync(name, batch, ct);
            _resources += batch.Count - failed;
            _refused += failed;
            progress.Resources += batch.Count - failed;
            // The resume point only moves while everything so far went in: a rerun then retries from the first failure.
            clean &= failed == 0;
            if (clean) progress.Lines = batch[^1].Line;
            state.Save();
            advance(batchBytes);
            batch.Clear();
            batchBytes = 0;
        }

        using var reader = new StreamReader(file, Encoding.UTF8);
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            lineNumber++;
            var bytes = Encoding.UTF8.GetByteCount(line) + 1;
            if (lineNumber <= progress.Lines || string.IsNullOrWhiteSpace(line))
            {
                advance(bytes);
                continue;
            }
            batch.Add((lineNumber, line));
            batchBytes += bytes;
            if (batch.Count >= BatchSize) await FlushAsync();
        }
        await FlushAsync();
        return clean;
    }

    /// <summary>
    /// Posts ndjson lines as one batch Bundle; returns how many were refused. A Bundle refused whole (one unreadable
    /// resource fails the parse of all) is posted again line by line, so the good lines go in and the bad one is named.
    /// </summary>
    private async Task<int> PostBatchAsync(string name, IReadOnlyList<(int Line, string Json)> batch, CancellationToken ct)
    {
        string bundle;
        try
        {
            bundle = ToBundle(batch.Select(b => b.Json), "batch");
        }
        catch (System.Text.Json.JsonException) when (batch.Count > 1)
        {
            bundle = "";
        }
        catch (System.Text.Json.JsonException e)
        {
            _failures.Add(new ImportFailure(name, $"line {batch[0].Line}", 0, $"not JSON: {e.Message}"));
            return 1;
        }
        HttpResponseMessage? response = bundle.Length == 0 ? null : await server.PostJsonAsync("", bundle, ct);
        var text = response is null ? "" : await response.Content.ReadAsStringAsync(ct);
        if (response is { IsSuccessStatusCode: true })
            return EntryFailures(name, text, i => $"line {batch[i].Line}");
        if (batch.Count > 1 && (response is null || (int)response.StatusCode is >= 400 and < 500 and not 413))
        {
            var failed = 0;
            foreach (var one in batch) failed += await PostBatchAsync(name, [one], ct);
            return failed;
        }
        var where = batch.Count == 1 ? $"line {batch[0].Line}" : $"lines {batch[0].Line}-{batch[^1].Line}";
        _failures.Add(new ImportFailure(name, where, (int)response!.StatusCode, FhirServer.Diagnostics(response.StatusCode, text)));
        return batch.Count;
    }

    /// <summary>Records the entries of a batch-response whose status is not 2xx; returns how many.</summary>
    private int EntryFailures(string file, string responseText, Func<int, string> where)
    {
        var entries = (FhirServer.TryParse(responseText) as JsonObject)?["entry"]?.AsArray();
        if (entries is null) return 0;
        var failed = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            var response = entries[i]?["response"];
            var status = (string?)response?["status"] ?? "";
            var code = int.TryParse(status.Split(' ')[0], out var c) ? c : 0;
            if (code is >= 200 and < 300) continue;
            failed++;
            _failures.Add(new ImportFailure(file, where(i), code,
                FhirServer.OutcomeText(response?["outcome"]) ?? (status.Length > 0 ? status : "no status")));
        }
        return failed;
    }

    /// <summary>A Bundle of the given resources: PUT where they carry an id (so a rerun updates, not duplicates), else POST.</summary>
    private static string ToBundle(IEnumerable<string> resources, string type)
    {
        var entries = new JsonArray();
        foreach (var json in resources)
        {
            var resource = JsonNode.Parse(json)!;
            var resourceType = (string?)resource["resourceType"] ?? "";
            var id = (string?)resource["id"];
            entries.Add(new JsonObject
            {
                ["resource"] = resource,
                ["request"] = new JsonObject
                {
                    ["method"] = id is null ? "POST" : "PUT",
                    ["url"] = id is null ? resourceType : $"{resourceType}/{id}",
                },
            });
        }
        return new JsonObject { ["resourceType"] = "Bundle", ["type"] = type, ["entry"] = entries }.ToJsonString();
    }

    private void Summary(int files, int filesFailed, int skipped, TimeSpan elapsed)
    {
        var rate = _resources / Math.Max(0.001, elapsed.TotalSeconds);
        var table = new Table().Border(TableBorder.Rounded).AddColumns("", "");
        table.ShowHeaders = false;
        table.AddRow("resources imported", _resources.ToString());
        table.AddRow("resources refused", _refused == 0 ? "[green]0[/]" : $"[red]{_refused}[/]");
        table.AddRow("files completed", files.ToString());
        if (filesFailed > 0) table.AddRow("files with failures", $"[red]{filesFailed}[/]");
        table.AddRow("files skipped (already imported)", skipped.ToString());
        table.AddRow("time", $"{elapsed.TotalSeconds:F1} s");
        table.AddRow("throughput", $"{rate:F0} resources/s");
        console.Write(table);
        if (_failures.Count == 0) return;
        var failures = new Table().Border(TableBorder.Rounded).Title("[red]Failures[/]").AddColumns("file", "where", "status", "diagnostics");
        foreach (var f in _failures.Take(50))
            failures.AddRow(Markup.Escape(f.File), Markup.Escape(f.Where), f.Status == 0 ? "-" : f.Status.ToString(), Markup.Escape(f.Diagnostics));
        console.Write(failures);
        if (_failures.Count > 50) console.MarkupLineInterpolated($"[red]... and {_failures.Count - 50} more.[/]");
    }
}
