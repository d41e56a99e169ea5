using FhirTrial.Fhir.Conformance;
using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Terminology;
using FhirTrial.Fhir.Validation;
using FhirTrial.Server.Http;
using FhirTrial.Storage.Postgres;
using FhirTrial.Storage.Sqlite;

namespace FhirTrial.Server.Hosting;

/// <summary>Wires the store named by configuration and the web layer's own services.</summary>
public static class ServerServices
{
    public static IServiceCollection AddFhirStore(this IServiceCollection services, IConfiguration configuration)
    {
        var provider = configuration["Storage:Provider"] ?? "sqlite";
        var connectionString = configuration["Storage:ConnectionString"];
        return provider.ToLowerInvariant() switch
        {
            "sqlite" => services.AddSqliteStore(connectionString),
            "postgres" => services.AddPostgresStore(connectionString, ReadReplicaServices.Settings(configuration)).AddReadReplicaHealth(configuration),
            _ => throw new InvalidOperationException($"Storage:Provider '{provider}' is not known; use 'sqlite' or 'postgres'."),
        };
    }

    public static IServiceCollection AddFhirWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(sp => new ProfileValidationService(sp.GetRequiredService<TrialPackage>(),
            sp.GetRequiredService<ILogger<ProfileValidationService>>(), sp.GetRequiredService<RequestLimits>().ValidationBudget));
        services.AddSingleton<IWriteValidator, ProfileWriteValidator>();
        services.AddSingleton(new WriteRules(ReferentialIntegrity: configuration.GetValue("Fhir:ReferentialIntegrity", true)));
        services.AddSingleton<IFhirOperation, ValidateOperation>();
        services.AddSingleton(sp => sp.GetRequiredService<ProfileValidationService>().Terminology);
        services.AddSingleton<IFhirOperation, ExpandOperation>();
        services.AddSingleton<IFhirOperation, LookupOperation>();
        services.AddSingleton<IFhirOperation, ValueSetValidateCodeOperation>();
        services.AddSingleton<IFhirOperation, CodeSystemValidateCodeOperation>();
        services.AddSingleton(RequestLimits.From(configuration));
        services.AddSingleton<CapabilityStatementProvider>();
        services.AddSingleton<OperationDispatcher>();
        services.AddSingleton<StartupSeeder>();
        return services;
    }
}
