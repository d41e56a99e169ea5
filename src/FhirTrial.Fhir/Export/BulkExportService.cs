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
    AccessContext access, IExportJobClaims claims, ILogger<BulkExportService> logger)
{
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);
    private long _runs;

    public ExportOptions Options => options;

    /// <summary>This node among the servers sharing the database and the export folder; it signs its job claims.</summary>
    public string Node { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>How many jobs this node has started running (for tests and diagnostics).</summary>
    public long Runs => Interlocked.Read(ref _runs);

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

    /// <summary>Cancels the job if it runs and deletes it with its files; a node running it elsewhere loses its claim and stops.</summary>
    public async Task DeleteAsync(string jobId, string? caller, CancellationToken ct)
    {
        Status(jobId, caller);
        if (_running.TryGetValue(jobId, out var running)) await running.CancelAsync();
        jobs.Remove(jobId);
        await claims.ForgetAsync(jobId, ct);
        logger.LogInformation("Export job {JobId} deleted", jobId);
    }

    /// <summary>The worker's loop: picks up jobs left unfinished by an earlier run, then runs queued jobs one at a time,
    /// and every <see cref="ExportOptions.ScanInterval"/> looks for jobs queued by other nodes or left by one that died.</summary>
    public async Task ProcessQueueAsync(CancellationToken stopping)
    {
        foreach (var job in await jobs.LoadAsync(clock.GetUtcNow(), stopping))
        {
            logger.LogInformation("Export job {JobId} is unfinished; running it unless another node does", job.Id);
            await _queue.Writer.WriteAsync(job.Id, stopping);
        }
        var scanning = ScanAsync(stopping);
        try
        {
            await foreach (var id in _queue.Reader.ReadAllAsync(stopping))
            {
                try
                {
                    await RunAsync(id, stopping);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
                {
                    // The claim could not be read or written (the database is away): the next scan tries the job again.
                    logger.LogError(e, "Export job {JobId} could not be claimed or released; it is tried again later", id);
                }
            }
        }
        finally
        {
            try { await scanning; } catch (OperationCanceledException) { }
        }
    }

    private async Task ScanAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(options.ScanInterval, clock);
        while (await timer.WaitForNextTickAsync(stopping))
            foreach (var job in jobs.Unfinished())
                if (!_running.ContainsKey(job.Id)) await _queue.Writer.WriteAsync(job.Id, stopping);
    }

    private async Task RunAsync(string jobId, CancellationToken stopping)
    {
        if (jobs.Get(jobId) is not { IsFinished: false }) return; // deleted while queued, or finished by another node
        if (!await claims.TryClaimAsync(jobId, Node, options.Lease, stopping)) return; // another node runs it
        var job = jobs.Get(jobId); // read again under the claim: it may have finished since the first look
        if (job is null || job.IsFinished)
        {
            if (job is not null) await claims.FinishAsync(jobId, stopping);
            return;
        }
        Interlocked.Increment(ref _runs);
        if (job.RunAs is null)
        {
            await jobs.SaveAsync(job with { State = ExportJobState.Failed, Failure = "The job names no client to act for; start it again." }, stopping);
            await claims.FinishAsync(jobId, stopping);
            return;
        }
        using var entered = access.Enter(new RequestAccess(job.RunAs.Principal, new FhirInteraction("operation", Operation: "export")));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _running[jobId] = cancel;
        var leaseLost = false;
        var renewing = RenewAsync(jobId, () => { leaseLost = true; cancel.Cancel(); }, cancel.Token);
        var folder = jobs.FolderOf(jobId);
        try
        {
            foreach (var stale in Directory.Exists(folder) ? Directory.GetFiles(folder, "*.ndjson") : []) File.Delete(stale);
            job = job with { State = ExportJobState.Running, ResourcesWritten = 0, CurrentType = null };
            await jobs.SaveAsync(job, cancel.Token);
            var started = job;
            var output = await exporter.ExportAsync(job, folder,
                (count, type) => jobs.Report(started with { ResourcesWritten = count, CurrentType = type }), cancel.Token);
            if (jobs.Get(jobId) is null)
            {
                jobs.DeleteFolder(jobId); // deleted while it ran, on another node: no file of it may survive
                return;
            }
            await jobs.SaveAsync(job with { State = ExportJobState.Completed, ResourcesWritten = output.Sum(f => (long)f.Count),
                CurrentType = null, Output = output }, cancel.Token);
            await claims.FinishAsync(jobId, CancellationToken.None);
            logger.LogInformation("Export job {JobId} completed: {Files} files, {Count} resources", jobId, output.Count, output.Sum(f => f.Count));
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            if (stopping.IsCancellationRequested)
            {
                // The server stops: job.json stays Running, and the lease ends now, so the next node to look (or this one
                // when it is back) runs the job again without waiting for the lease to run out.
                try { await claims.RenewAsync(jobId, Node, TimeSpan.Zero, CancellationToken.None); }
                catch (Exception e) { logger.LogWarning(e, "Export job {JobId}: the claim could not be released; it expires by itself", jobId); }
                return;
            }
            if (leaseLost && jobs.Get(jobId) is not null)
            {
                logger.LogWarning("Export job {JobId}: this node lost its claim; the node that holds it now runs the job", jobId);
                return;
            }
            jobs.Remove(jobId); // deleted while it ran: make sure no file written after the deletion survives
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Export job {JobId} failed", jobId);
            if (jobs.Get(jobId) is not null)
            {
                await jobs.SaveAsync(job with { State = ExportJobState.Failed, Failure = e is FhirException f ? f.Message : "The export failed; the error has been logged." },
                    CancellationToken.None);
                await claims.FinishAsync(jobId, CancellationToken.None);
            }
        }
        finally
        {
            _running.TryRemove(jobId, out _);
            await cancel.CancelAsync();
            try { await renewing; } catch (OperationCanceledException) { }
        }
    }

    /// <summary>Renews this node's claim every third of the lease while the job runs; calls <paramref name="lost"/> and ends
    /// when the claim is gone (the lease ran out and another node took the job, or the job was deleted).</summary>
    private async Task RenewAsync(string jobId, Action lost, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(options.Lease / 3, clock);
        while (await timer.WaitForNextTickAsync(ct))
        {
            bool held;
            try
            {
                held = await claims.RenewAsync(jobId, Node, options.Lease, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Export job {JobId}: the claim could not be renewed; trying again", jobId);
                continue; // the lease has two more renewals' worth of time left
            }
            if (held) continue;
            lost();
            return;
        }
    }

    /// <summary>The completion manifest, with file URLs under <paramref name="fileBaseUrl"/> (<c>.../{file}</c>).</summary>
    public ExportManifest Manifest(ExportJob job, string fileBaseUrl)
        => new(job.TransactionTime, job.Request.RequestUrl, options.RequiresAccessToken,
            job.Files.Select(f => new ExportManifestEntry(f.Type, $"{fileBaseUrl}/{Uri.EscapeDataString(f.FileName)}", f.Count)).ToList(),
            []);
}
