using FhirTrial.Storage.Postgres;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FhirTrial.Server.Hosting;

/// <summary>
/// The PostgreSQL read replica: <c>Storage:ReadReplica</c> (the standby's connection string),
/// <c>Storage:ReadReplicaMaxLagSeconds</c> (default 30) and <c>Storage:ReadReplicaRetrySeconds</c> (default 5).
/// </summary>
public static class ReadReplicaServices
{
    public static PostgresReplicaSettings? Settings(IConfiguration configuration)
    {
        var connectionString = configuration["Storage:ReadReplica"];
        if (string.IsNullOrWhiteSpace(connectionString)) return null;
        var defaults = new PostgresReplicaSettings(connectionString);
        return defaults with
        {
            MaxLag = Seconds(configuration, "Storage:ReadReplicaMaxLagSeconds") ?? defaults.MaxLag,
            RetryAfter = Seconds(configuration, "Storage:ReadReplicaRetrySeconds") ?? defaults.RetryAfter,
        };
    }

    /// <summary><c>/health/ready</c> names the standby: degraded when it is down or behind, never unhealthy, since the
    /// primary serves its reads meanwhile.</summary>
    public static IServiceCollection AddReadReplicaHealth(this IServiceCollection services, IConfiguration configuration)
    {
        if (Settings(configuration) is not null)
            services.AddHealthChecks().AddCheck<ReadReplicaHealthCheck>("read-replica", HealthStatus.Degraded, ["ready"]);
        return services;
    }

    private static TimeSpan? Seconds(IConfiguration configuration, string key)
    {
        var value = configuration.GetValue<double?>(key);
        if (value is < 0) throw new InvalidOperationException($"{key} must not be negative.");
        return value is { } s ? TimeSpan.FromSeconds(s) : null;
    }
}

/// <summary>Looks at the standby on each readiness probe.</summary>
public sealed class ReadReplicaHealthCheck(PostgresFhirStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var state = await store.ReplicaStateAsync(cancellationToken);
        if (state is null) return HealthCheckResult.Healthy("No read replica is configured.");
        return state.Usable ? HealthCheckResult.Healthy(state.Description) : HealthCheckResult.Degraded(state.Description);
    }
}
