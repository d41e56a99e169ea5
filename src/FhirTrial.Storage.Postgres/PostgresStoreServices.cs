using FhirTrial.Fhir.Export;
using FhirTrial.Fhir.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FhirTrial.Storage.Postgres;

/// <summary>Registers the PostgreSQL store.</summary>
public static class PostgresStoreServices
{
    public static IServiceCollection AddPostgresStore(this IServiceCollection services, string? connectionString, PostgresReplicaSettings? replica = null)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException("Storage:Provider 'postgres' needs Storage:ConnectionString (for example 'Host=localhost;Database=fhirtrial;Username=fhir;Password=...').");
        var store = new PostgresFhirStore(connectionString, replica);
        // Several server nodes may share the database: export jobs are claimed in it, not in one process's memory.
        return services.AddSingleton(store).AddSingleton<IFhirStore>(store).AddSingleton<IUsedTokenStore>(store)
            .AddSingleton<IExportJobClaims>(new PostgresExportJobClaims(store));
    }
}
