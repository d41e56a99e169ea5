using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Security;
using FhirTrial.Fhir.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace FhirTrial.Fhir.Subscriptions;

/// <summary>Wires subscriptions: the write-path hook, the registry of active ones, and the dispatcher.</summary>
public static class SubscriptionServices
{
    public static IServiceCollection AddFhirSubscriptions(this IServiceCollection services, SubscriptionSettings settings)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(settings);
        services.AddSingleton<SubscriptionSignal>();
        services.AddSingleton<SubscriptionRegistry>();
        services.AddSingleton<SubscriptionWrites>();
        services.AddSingleton<SubscriptionSockets>();
        services.AddSingleton(sp => new SubscriptionDispatcher(
            sp.GetRequiredService<ISubscriptionOutbox>(),
            sp.GetRequiredService<IFhirStore>() as GuardedFhirStore
                ?? throw new InvalidOperationException("Subscription deliveries are audited: the store must be the guarded one (AddFhirSecurity)."),
            sp.GetRequiredService<ResourceService>(),
            sp.GetRequiredService<AccessContext>(),
            settings,
            // Redirects are not followed: a redirect would lead a notification past the endpoint allow-list.
            new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = settings.DeliveryTimeout, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            {
                Timeout = Timeout.InfiniteTimeSpan,
            },
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SubscriptionDispatcher>>(),
            sp.GetRequiredService<SubscriptionSockets>()));
        return services;
    }
}
