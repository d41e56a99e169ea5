using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Search;
using FhirTrial.Storage.Postgres;
using Microsoft.Extensions.DependencyInjection;

namespace FhirTrial.Storage.Tests.Postgres;

/// <summary>One test class's database on the shared cluster, migrated, with the FHIR engine over it.</summary>
public abstract class PostgresDatabase(PostgresCluster cluster) : IAsyncLifetime
{
    protected PostgresCluster Cluster => cluster;
    protected string ConnectionString { get; private set; } = "";
    protected PostgresFhirStore Store { get; private set; } = null!;
    protected ResourceService Resources { get; private set; } = null!;
    protected SearchParser Parser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ConnectionString = await cluster.CreateDatabaseAsync(GetType().Name);
        Store = new PostgresFhirStore(ConnectionString);
        await Store.MigrateAsync(CancellationToken.None);
        _engine = Store.BuildFhirEngine(new NoWriteValidation(), Contract.StoreContract.Package);
        Parser = _engine.GetRequiredService<SearchParser>();
        Resources = _engine.GetRequiredService<ResourceService>();
    }

    private ServiceProvider? _engine;

    public async Task DisposeAsync()
    {
        if (_engine is not null) await _engine.DisposeAsync();
        await Store.DisposeAsync();
    }

    protected async Task<int> CountAsync(string type, string query)
    {
        var request = Parser.Parse(type, QueryString.Parse(query), strict: true);
        var page = await Store.SearchAsync(request.Query with { Count = 1000, CountTotal = true }, CancellationToken.None);
        return page.Total ?? page.Resources.Count;
    }
}
