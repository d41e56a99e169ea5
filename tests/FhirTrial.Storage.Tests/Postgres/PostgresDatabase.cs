using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Indexing;
using FhirTrial.Fhir.Search;
using FhirTrial.Storage.Postgres;

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
        var registry = new SearchParameterRegistry();
        Parser = new SearchParser(registry);
        Resources = new ResourceService(Store, new IndexExtractor(registry), Parser, new NoWriteValidation());
    }

    public async Task DisposeAsync() => await Store.DisposeAsync();

    protected async Task<int> CountAsync(string type, string query)
    {
        var request = Parser.Parse(type, QueryString.Parse(query), strict: true);
        var page = await Store.SearchAsync(request.Query with { Count = 1000, CountTotal = true }, CancellationToken.None);
        return page.Total ?? page.Resources.Count;
    }
}
