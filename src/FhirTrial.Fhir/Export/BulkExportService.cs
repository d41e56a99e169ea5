using System.Collections.Concurrent;
using System.Threading.Channels;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Security;
using Microsoft.Extensions.Logging;

namespace FhirTrial.Fhir.Export;

/// <summary>
/// The one way into bulk export: kick-off, status, file access and deletion for the web layer, and the queue that
/// the background worker drains. Every caller-facing method takes the caller's identity, so authorization has one place.
/// </summary>
public sealed class BulkExportService(ExportJobStore jobs, BulkExporter exporter, ExportOptions options, TimeProvider clock,
    AccessContext access, ILogger<BulkExportService> logger)
{
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);

    public ExportOptions Options => options;

    /// <summary>Accepts a kick-off: checks what can be checked at once (the Group exists), then queues the job.</summary>
    public async Task<ExportJob> KickOffAsync(ExportRequest request, string? caller, CancellationToken ct)
    {
        if (request.Level == ExportLevel.Group)
            await exporter.GroupPatientIdsAsync(request.GroupId!, ct); // 404 now rather than a failed job later
        // the job runs after this request as the client that asked, never with more than the client may read
        var runAs = ExportIdentity.Of(access.Current?.Principal
            ?? throw new InvalidOperationException("An export was kicked off with no access identity."));
        var job = new ExportJob(Guid.NewGuid().ToString("N"), request, clock.GetUtcNow(), caller, ExportJobState.Queued, RunAs: runAs);
        await jobs.SaveAsync(job, ct);
        await _queue.Writer.WriteAsync(job.Id, ct);
        logger.LogInformation("Export job {JobId} queued at {Level} level", job.Id, request.Level);
        return job;
    }

    /// <summary>The job as it stands; 404 when unknown, deleted, or someone else's.</summary>
    public ExportJob Status(string jobId, string? caller)
    {
        var job = jobs.Get(jobId);
        if (job is null || job.Owner is null || job.Owner != caller)
            throw FhirException.NotFound($"There is no export job '{jobId}'.");
        return job;
    }

    /// <summary>The full path of one output file of a finished job; 404 for any name the job did not write.</summary>
    public (string Path, ExportOutputFile File) OutputFile(string jobId, string fileName, string? caller)
    {
        var job = Status(jobId, caller);
        var file = job.State == ExportJobState.Completed ? job.Files.FirstOrDefault(f => f.FileName == fileName) : null;
        if (file is null) throw FhirException.NotFound($"Export job '{jobId}' has no file '{fileName}'.");
        return (Path.Combine(jobs.FolderOf(jobId), file.FileName), file);
    }

    /// <summary>Cancels the job if it runs and deletes it with its files.</summary>
    public void Delete(string jobId, string? caller)
    {
        Status(jobId, caller);
        if (_running.TryGetValue(jobId, out var running)) running.Cancel();
        jobs.Remove(jobId);
        logger.LogInformation("Export job {JobId} deleted", jobId);
    }

    /// <summary>The worker's loop: picks up jobs left unfinished by an earlier run, then runs queued jobs one at a time.</summary>
    public async Task ProcessQueueAsync(CancellationToken stopping)
    {
        foreach (var job in await jobs.LoadAsync(clock.GetUtcNow(), stopping))
        {
            logger.LogInformation("Export job {JobId} was unfinished at the last stop; running it again", job.Id);
            await _queue.Writer.WriteAsync(job.Id, stopping);
        }
        await foreach (var id in _queue.Reader.ReadAllAsync(stopping))
            await RunAsync(id, stopping);
    }

    private async Task RunAsync(string jobId, CancellationToken stopping)
    {
        var job = jobs.Get(jobId);
        if (job is null || job.IsFinished) return; // deleted while queued
        if (job.RunAs is null)
        {
            await jobs.SaveAsync(job with { State = ExportJobState.Failed, Failure = "The job names no client to act for; start it again." }, stopping);
            return;
        }
        using var entered = access.Enter(new RequestAccess(job.RunAs.Principal, new FhirInteraction("operation", Operation: "export")));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _running[jobId] = cancel;
        var folder = jobs.FolderOf(jobId);
        try
        {
            foreach (var stale in Directory.Exists(folder) ? Directory.GetFiles(folder, "*.ndjson") : []) File.Delete(stale);
            job = job with { State = ExportJobState.Running, ResourcesWritten = 0, CurrentType = null };
            await jobs.SaveAsync(job, cancel.Token);
            var started = job;
            var output = await exporter.ExportAsync(job, folder,
                (count, type) => jobs.Report(started with { ResourcesWritten = count, CurrentType = type }), cancel.Token);
            if (jobs.Get(jobId) is null) return;
            await jobs.SaveAsync(job with { State = ExportJobState.Completed, ResourcesWritten = output.Sum(f => (long)f.Count),
                CurrentType = null, Output = output }, cancel.Token);
            logger.LogInformation("Export job {JobId} completed: {Files} files, {Count} resources", jobId, output.Count, output.Sum(f => f.Count));
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            if (stopping.IsCancellationRequested) return; // the server stops: job.json stays Running and is run again on start
            jobs.Remove(jobId); // deleted while it ran: make sure no file written after the deletion survives
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Export job {JobId} failed", jobId);
            if (jobs.Get(jobId) is not null)
                await jobs.SaveAsync(job with { State = ExportJobState.Failed, Failure = e is FhirException f ? f.Message : "The export failed; the error has been logged." },
                    CancellationToken.None);
        }
        finally
        {
            _running.TryRemove(jobId, out _);
        }
    }

    /// <summary>The completion manifest, with file URLs under <paramref name="fileBaseUrl"/> (<c>.../{file}</c>).</summary>
    public ExportManifest Manifest(ExportJob job, string fileBaseUrl)
        => new(job.TransactionTime, job.Request.RequestUrl, options.RequiresAccessToken,
            job.Files.Select(f => new ExportManifestEntry(f.Type, $"{fileBaseUrl}/{Uri.EscapeDataString(f.FileName)}", f.Count)).ToList(),
            []);
}
