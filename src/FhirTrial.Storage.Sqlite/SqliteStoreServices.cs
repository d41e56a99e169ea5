using FhirTrial.Fhir.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FhirTrial.Storage.Sqlite;

/// <summary>Registers the embedded SQLite store.</summary>
public static class SqliteStoreServices
{
    public const string DefaultConnectionString = "Data Source=data/fhirtrial.db";

    public static IServiceCollection AddSqliteStore(this IServiceCollection services, string? connectionString)
    {
        var store = new SqliteFhirStore(string.IsNullOrWhiteSpace(connectionString) ? DefaultConnectionString : connectionString);
        return services.AddSingleton<IFhirStore>(store).AddSingleton<IUsedTokenStore>(store).AddSingleton<ISubscriptionOutbox>(store);
    }
}
