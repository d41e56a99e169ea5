using FhirTrial.Fhir.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FhirTrial.Storage.Sqlite;

/// <summary>Registers the embedded SQLite store.</summary>
public static class SqliteStoreServices
{
    public const string DefaultConnectionString = "Data Source=data/fhirtrial.db";

    public static IServiceCollection AddSqliteStore(this IServiceCollection services, string? connectionString)
    {
        // Made by the container, so that it is disposed (and its statistics kept) when the host stops.
        services.AddSingleton(_ => new SqliteFhirStore(string.IsNullOrWhiteSpace(connectionString) ? DefaultConnectionString : connectionString));
        return services.AddSingleton<IFhirStore>(sp => sp.GetRequiredService<SqliteFhirStore>())
            .AddSingleton<IUsedTokenStore>(sp => sp.GetRequiredService<SqliteFhirStore>())
            .AddSingleton<ISubscriptionOutbox>(sp => sp.GetRequiredService<SqliteFhirStore>());
    }
}
