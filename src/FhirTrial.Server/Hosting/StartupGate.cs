using System.Globalization;
using FhirTrial.Fhir.Errors;
using FhirTrial.Server.Security;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FhirTrial.Server.Hosting;

/// <summary>
/// Holds FHIR data requests until start-up has stored the trial package and the study fixture and warmed the validator,
/// so an early client gets the right answer late rather than a wrong one early; after <c>Limits:StartupWaitSeconds</c>
/// (default 120) it answers 503 with <c>Retry-After</c>. Metadata, health checks, docs and the dashboard are not held.
/// </summary>
public sealed class StartupGate(RequestDelegate next, StartupSeeder startup, IConfiguration configuration)
{
    private readonly TimeSpan _wait = TimeSpan.FromSeconds(configuration.GetValue<int?>("Limits:StartupWaitSeconds") ?? 120);

    public async Task InvokeAsync(HttpContext http)
    {
        if (!startup.Completion.IsCompletedSuccessfully && http.GetEndpoint()?.Metadata.GetMetadata<FhirRouteMetadata>() is not null)
        {
            try
            {
                await startup.Completion.WaitAsync(_wait, http.RequestAborted);
            }
            catch (TimeoutException)
            {
                http.Response.Headers.RetryAfter = "5";
                throw FhirException.Of(System.Net.HttpStatusCode.ServiceUnavailable, OperationOutcome.IssueType.Transient,
                    string.Create(CultureInfo.InvariantCulture, $"The server is still starting (loading the trial package); try again in a few seconds."));
            }
        }
        await next(http);
    }
}

/// <summary><c>/health/ready</c>: healthy once start-up completed, unhealthy if it failed, degraded-as-unhealthy while it runs.</summary>
public sealed class StartupHealthCheck(StartupSeeder startup) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => Task.FromResult(startup.Completion.Status switch
        {
            TaskStatus.RanToCompletion => HealthCheckResult.Healthy("The trial package and study fixture are stored; the validator is warm."),
            TaskStatus.Faulted or TaskStatus.Canceled => HealthCheckResult.Unhealthy("Start-up failed; see the log."),
            _ => HealthCheckResult.Unhealthy("Starting: loading the trial package and warming the validator."),
        });
}

/// <summary>The liveness and readiness endpoints, public like the CapabilityStatement (they reveal no data).</summary>
public static class HealthEndpoints
{
    public static IServiceCollection AddFhirHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<StartupHealthCheck>("startup", tags: ["ready"]);
        return services;
    }

    public static IEndpointRouteBuilder MapFhirHealthChecks(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        return app;
    }
}
