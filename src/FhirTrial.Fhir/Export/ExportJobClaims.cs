using System.Collections.Concurrent;

namespace FhirTrial.Fhir.Export;

/// <summary>
/// Which server node runs an export job. A node runs a job only while it holds the job's lease, and renews the lease as
/// it goes; a lease not renewed (its node died) expires, and another node may then claim the job and run it again from
/// the start. A job is therefore run to completion by one node at a time, at least once.
/// </summary>
public interface IExportJobClaims
{
    /// <summary>True when <paramref name="node"/> now holds the job's lease: nobody held it, or the holder's lease expired.</summary>
    Task<bool> TryClaimAsync(string jobId, string node, TimeSpan lease, CancellationToken ct);

    /// <summary>Extends the lease; false when <paramref name="node"/> no longer holds it (another node took the job, or it was deleted).</summary>
    Task<bool> RenewAsync(string jobId, string node, TimeSpan lease, CancellationToken ct);

    /// <summary>The job is finished (completed or failed): it is never claimed again.</summary>
    Task FinishAsync(string jobId, CancellationToken ct);

    /// <summary>The job was deleted: its claim goes with it.</summary>
    Task ForgetAsync(string jobId, CancellationToken ct);
}

/// <summary>Claims held in this process's memory: enough for one server process (the SQLite store is one), and what
/// makes a restarted server run its unfinished jobs again at once.</summary>
public sealed class InProcessExportJobClaims(TimeProvider clock) : IExportJobClaims
{
    private readonly ConcurrentDictionary<string, (string Node, DateTimeOffset Until)> _leases = new(StringComparer.Ordinal);

    public Task<bool> TryClaimAsync(string jobId, string node, TimeSpan lease, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        while (true)
        {
            if (_leases.TryAdd(jobId, (node, now + lease))) return Task.FromResult(true);
            if (!_leases.TryGetValue(jobId, out var held)) continue;
            if (held.Until >= now) return Task.FromResult(false);
            if (_leases.TryUpdate(jobId, (node, now + lease), held)) return Task.FromResult(true);
        }
    }

    public Task<bool> RenewAsync(string jobId, string node, TimeSpan lease, CancellationToken ct)
    {
        var held = _leases.GetValueOrDefault(jobId);
        return Task.FromResult(held.Node == node && held.Until != DateTimeOffset.MaxValue
            && _leases.TryUpdate(jobId, (node, clock.GetUtcNow() + lease), held));
    }

    public Task FinishAsync(string jobId, CancellationToken ct)
    {
        _leases[jobId] = ("", DateTimeOffset.MaxValue);
        return Task.CompletedTask;
    }

    public Task ForgetAsync(string jobId, CancellationToken ct)
    {
        _leases.TryRemove(jobId, out _);
        return Task.CompletedTask;
    }
}
