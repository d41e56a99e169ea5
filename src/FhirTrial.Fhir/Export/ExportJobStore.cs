using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace FhirTrial.Fhir.Export;

/// <summary>
/// The jobs, in memory, each also written as <c>job.json</c> in its folder at every change of state so that finished
/// jobs (and their files) outlive a restart and unfinished ones can be run again.
/// </summary>
public sealed class ExportJobStore(ExportOptions options, ILogger<ExportJobStore> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly ConcurrentDictionary<string, ExportJob> _jobs = new(StringComparer.Ordinal);

    public string FolderOf(string jobId) => Path.Combine(Path.GetFullPath(options.Folder), jobId);

    public ExportJob? Get(string id) => _jobs.GetValueOrDefault(id);

    public async Task SaveAsync(ExportJob job, CancellationToken ct)
    {
        _jobs[job.Id] = job;
        var folder = FolderOf(job.Id);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "job.json");
        var temp = path + ".tmp";
        await File.WriteAllTextAsync(temp, JsonSerializer.Serialize(job, Json), ct);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Progress changes only in memory: it is cheap to lose and frequent.</summary>
    public void Report(ExportJob job)
    {
        if (_jobs.ContainsKey(job.Id)) _jobs[job.Id] = job;
    }

    /// <summary>Forgets the job and removes its folder; true when it was known.</summary>
    public bool Remove(string id)
    {
        var known = _jobs.TryRemove(id, out _);
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

    /// <summary>Reads the jobs left by an earlier run; returns the unfinished ones, which the caller runs again.</summary>
    public async Task<IReadOnlyList<ExportJob>> LoadAsync(DateTimeOffset now, CancellationToken ct)
    {
        var root = Path.GetFullPath(options.Folder);
        if (!Directory.Exists(root)) return [];
        var unfinished = new List<ExportJob>();
        foreach (var folder in Directory.EnumerateDirectories(root))
        {
            var path = Path.Combine(folder, "job.json");
            if (!File.Exists(path)) continue;
            ExportJob? job;
            try
            {
                job = JsonSerializer.Deserialize<ExportJob>(await File.ReadAllTextAsync(path, ct), Json);
            }
            catch (JsonException e)
            {
                logger.LogWarning(e, "Ignoring the unreadable export job file {Path}", path);
                continue;
            }
            if (job is null || job.Id != Path.GetFileName(folder)) continue;
            if (job.IsFinished && now - job.TransactionTime > options.Retention)
            {
                DeleteFolder(job.Id);
                continue;
            }
            _jobs[job.Id] = job;
            if (!job.IsFinished) unfinished.Add(job);
        }
        return unfinished;
    }
}
