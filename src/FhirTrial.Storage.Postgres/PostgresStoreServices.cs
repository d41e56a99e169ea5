using FhirTrial.Fhir.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FhirTrial.Storage.Postgres;

/// <summary>Registers the PostgreSQL store.</summary>
public static class PostgresStoreServices
{
    public static IServiceCollection AddPostgresStore(this IServiceCollection services, string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException("Storage:Provider 'postgres' needs Storage:ConnectionString (for example 'Host=localhost;Database=fhirtrial;Username=fhir;Password=...').");
        var store = new PostgresFhirStore(connectionString);
        return services.AddSingleton<IFhirStore>(store).AddSingleton<IUsedTokenStore>(store).AddSingleton<ISubscriptionOutbox>(store);
    }
}
