using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace FhirTrial.Fhir.Export;

/// <summary>
/// The jobs, each written as <c>job.json</c> in its folder at every change of state, and read from there: finished jobs
/// (and their files) outlive a restart, unfinished ones can be run again, and several server nodes sharing the folder
/// (<c>Export:Folder</c> on a shared volume) all see every job. Progress stays in the memory of the node running the job.
/// </summary>
public sealed class ExportJobStore(ExportOptions options, ILogger<ExportJobStore> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The running jobs of this node, with their latest progress.</summary>
    private readonly ConcurrentDictionary<string, ExportJob> _progress = new(StringComparer.Ordinal);

    /// <summary>Jobs seen finished: a finished job never changes again, so a scan need not read it.</summary>
    private readonly ConcurrentDictionary<string, bool> _finished = new(StringComparer.Ordinal);

    public string FolderOf(string jobId) => Path.Combine(Path.GetFullPath(options.Folder), jobId);

    /// <summary>The job as stored, with this node's progress when it runs it; null when unknown (or not a job id at all).</summary>
    public ExportJob? Get(string id)
    {
        if (!IsJobId(id)) return null;
        var stored = Read(Path.Combine(FolderOf(id), "job.json"));
        if (stored is null || stored.Id != id) return null;
        return stored.State == ExportJobState.Running && _progress.TryGetValue(id, out var running) ? running : stored;
    }

    public async Task SaveAsync(ExportJob job, CancellationToken ct)
    {
        if (job.State == ExportJobState.Running) _progress[job.Id] = job;
        else _progress.TryRemove(job.Id, out _);
        var folder = FolderOf(job.Id);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "job.json");
        var temp = $"{path}.{Guid.NewGuid():N}.tmp"; // a name of its own: another node may be saving the same job
        await File.WriteAllTextAsync(temp, JsonSerializer.Serialize(job, Json), ct);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Progress changes only in memory: it is cheap to lose and frequent.</summary>
    public void Report(ExportJob job)
    {
        if (_progress.ContainsKey(job.Id)) _progress[job.Id] = job;
    }

    /// <summary>The unfinished jobs in the folder, whichever node kicked them off.</summary>
    public IReadOnlyList<ExportJob> Unfinished()
    {
        var root = Path.GetFullPath(options.Folder);
        if (!Directory.Exists(root)) return [];
        var unfinished = new List<ExportJob>();
        foreach (var folder in Directory.EnumerateDirectories(root))
        {
            var id = Path.GetFileName(folder);
            if (_finished.ContainsKey(id) || Get(id) is not { } job) continue;
            if (job.IsFinished) _finished[id] = true;
            else unfinished.Add(job);
        }
        return unfinished;
    }

    private static bool IsJobId(string id)
        => id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private ExportJob? Read(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<ExportJob>(File.ReadAllText(path), Json) : null;
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            logger.LogWarning(e, "Ignoring the unreadable export job file {Path}", path);
            return null;
        }
    }

    /// <summary>Forgets the job and removes its folder; true when it was known.</summary>
    public bool Remove(string id)
    {
        var known = Get(id) is not null;
        _progress.TryRemove(id, out _);
        DeleteFolder(id);
        return known;
    }

    public void DeleteFolder(string id)
    {
        try
        {
            var folder = FolderOf(id);
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (IOException e)
        {
            logger.LogWarning(e, "Could not remove the folder of export job {JobId}", id);
        }
    }

    /// <summary>Removes finished jobs past their retention; returns the unfinished ones, which the caller runs again.</summary>
    public Task<IReadOnlyList<ExportJob>> LoadAsync(DateTimeOffset now, CancellationToken ct)
    {
        var root = Path.GetFullPath(options.Folder);
        if (Directory.Exists(root))
            foreach (var folder in Directory.EnumerateDirectories(root))
            {
                ct.ThrowIfCancellationRequested();
                if (Get(Path.GetFileName(folder)) is { IsFinished: true } job && now - job.TransactionTime > options.Retention)
                    DeleteFolder(job.Id);
            }
        return Task.FromResult(Unfinished());
    }
}
