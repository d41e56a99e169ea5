using FhirTrial.Fhir.Export;
using Npgsql;

namespace FhirTrial.Storage.Postgres;

/// <summary>
/// Export job claims in the database every node shares (<c>export_job_claim</c>, migration 6), timed by the database's
/// clock so the nodes' clocks need not agree. The claim is one INSERT ... ON CONFLICT DO UPDATE ... WHERE the lease has
/// expired: of any number of nodes racing for a job, exactly one gets a row back.
/// </summary>
public sealed class PostgresExportJobClaims(PostgresFhirStore store) : IExportJobClaims
{
    public async Task<bool> TryClaimAsync(string jobId, string node, TimeSpan lease, CancellationToken ct)
        => await ExecuteAsync("""
            INSERT INTO export_job_claim AS c (job_id, node, lease_until) VALUES (@j, @n, now() + make_interval(secs => @l))
            ON CONFLICT (job_id) DO UPDATE SET node = EXCLUDED.node, lease_until = EXCLUDED.lease_until, claims = c.claims + 1
            WHERE c.lease_until < now()
            """, jobId, node, lease, ct) == 1;

    public async Task<bool> RenewAsync(string jobId, string node, TimeSpan lease, CancellationToken ct)
        => await ExecuteAsync("""
            UPDATE export_job_claim SET lease_until = now() + make_interval(secs => @l)
            WHERE job_id = @j AND node = @n AND lease_until <> 'infinity'
            """, jobId, node, lease, ct) == 1;

    public Task FinishAsync(string jobId, CancellationToken ct)
        => ExecuteAsync("UPDATE export_job_claim SET lease_until = 'infinity' WHERE job_id = @j", jobId, null, null, ct);

    public Task ForgetAsync(string jobId, CancellationToken ct)
        => ExecuteAsync("DELETE FROM export_job_claim WHERE job_id = @j", jobId, null, null, ct);

    /// <summary>How many times the job has been claimed, 0 when never (for tests and diagnostics).</summary>
    public async Task<int> ClaimsAsync(string jobId, CancellationToken ct)
    {
        await using var connection = await store.OpenPrimaryAsync(ct);
        await using var command = new NpgsqlCommand("SELECT claims FROM export_job_claim WHERE job_id = @j", connection);
        command.Parameters.AddWithValue("j", jobId);
        return await command.ExecuteScalarAsync(ct) is int claims ? claims : 0;
    }

    private async Task<int> ExecuteAsync(string sql, string jobId, string? node, TimeSpan? lease, CancellationToken ct)
    {
        await using var connection = await store.OpenPrimaryAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("j", jobId);
        if (node is not null) command.Parameters.AddWithValue("n", node);
        if (lease is { } l) command.Parameters.AddWithValue("l", l.TotalSeconds);
        return await command.ExecuteNonQueryAsync(ct);
    }
}
