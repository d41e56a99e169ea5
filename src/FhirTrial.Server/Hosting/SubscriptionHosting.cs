using FhirTrial.Fhir.Subscriptions;

namespace FhirTrial.Server.Hosting;

/// <summary>Subscriptions from configuration (<c>Subscriptions:*</c>), and the worker that delivers them.</summary>
public static class SubscriptionHosting
{
    public static IServiceCollection AddSubscriptions(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("Subscriptions");
        var defaults = new SubscriptionSettings();
        var root = LocalBaseUrls.PublicRoot(configuration) ?? LocalBaseUrls.ListeningRoots(configuration).FirstOrDefault() ?? "http://127.0.0.1:8080";
        var settings = new SubscriptionSettings
        {
            AllowedEndpoints = section.GetSection("AllowedEndpoints").Get<string[]>()?.Where(p => !string.IsNullOrWhiteSpace(p)).ToList() ?? [],
            // In developer mode the server is this machine's alone, and so may be what it notifies.
            AllowLoopback = DeveloperMode.IsOn(configuration),
            MaxAttempts = Math.Max(1, section.GetValue("MaxAttempts", defaults.MaxAttempts)),
            RetryBase = TimeSpan.FromSeconds(section.GetValue("RetrySeconds", defaults.RetryBase.TotalSeconds)),
            RetryCap = TimeSpan.FromSeconds(section.GetValue("RetryCapSeconds", defaults.RetryCap.TotalSeconds)),
            PollInterval = TimeSpan.FromSeconds(section.GetValue("PollSeconds", defaults.PollInterval.TotalSeconds)),
            DeliveryTimeout = TimeSpan.FromSeconds(section.GetValue("TimeoutSeconds", defaults.DeliveryTimeout.TotalSeconds)),
            Dispatch = section.GetValue("Dispatch", true),
            WebSocketHold = TimeSpan.FromSeconds(section.GetValue("WebSocketHoldSeconds", defaults.WebSocketHold.TotalSeconds)),
            WebSocketRecheck = TimeSpan.FromSeconds(section.GetValue("WebSocketRecheckSeconds", defaults.WebSocketRecheck.TotalSeconds)),
            PublicBase = root.TrimEnd('/') + "/fhir",
        };
        services.AddFhirSubscriptions(settings);
        services.AddSingleton<FhirTrial.Fhir.Conformance.ICapabilityAmendment, Http.WebSocketCapability>();
        if (settings.Dispatch) services.AddHostedService<SubscriptionWorker>();
        return services;
    }
}

/// <summary>Delivers the outbox: at once when a commit signals it, else every poll interval.</summary>
public sealed class SubscriptionWorker(SubscriptionDispatcher dispatcher, SubscriptionSignal signal, SubscriptionSettings settings,
    ILogger<SubscriptionWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // a full batch suggests more is due: go again at once
                if (await dispatcher.DispatchDueAsync(stoppingToken) >= SubscriptionDispatcher.Batch) continue;
                await signal.WaitAsync(settings.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Subscription delivery round failed; trying again shortly.");
                try { await Task.Delay(settings.PollInterval * 5, stoppingToken); } catch (OperationCanceledException) { return; }
            }
        }
    }
}
