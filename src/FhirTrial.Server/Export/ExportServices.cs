using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Export;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FhirTrial.Server.Export;

/// <summary>Wires bulk export: options from <c>Export:*</c>, the job store, the exporter, the service and its background worker.</summary>
public static class ExportServices
{
    public static IServiceCollection AddBulkExport(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new ExportOptions();
        // with Auth on, the files are served only with a token, and the manifest says so (Bulk Data IG)
        options.RequiresAccessToken = configuration.GetSection("Auth").Exists();
        configuration.GetSection("Export").Bind(options);
        if (options.Lease <= TimeSpan.Zero || options.ScanInterval <= TimeSpan.Zero)
            throw new InvalidOperationException("Export:Lease and Export:ScanInterval must be positive durations (such as 00:00:30).");
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ExportJobStore>();
        services.TryAddSingleton<IExportJobClaims, InProcessExportJobClaims>(); // a store shared by several nodes registers its own
        services.AddSingleton<BulkExporter>();
        services.AddSingleton<BulkExportService>();
        services.AddSingleton<IFhirOperation, ExportOperation>();
        services.AddHostedService<ExportWorker>();
        return services;
    }
}

/// <summary>Runs queued export jobs in the background, one at a time, for as long as the server runs.</summary>
public sealed class ExportWorker(BulkExportService export) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => export.ProcessQueueAsync(stoppingToken);
}
