using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Indexing;
using FhirTrial.Fhir.Search;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Storage.Sqlite;
using FhirTrial.Trial.Fhir.Common;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Tests;

/// <summary>A private SQLite store with the FHIR engine built by hand and the study fixture loaded.</summary>
public sealed class TrialStore : IAsyncLifetime
{
    public const string StudyId = "ak104-rcc-2l";
    public const string GroupId = "ak104-rcc-2l-eligibility";

    private readonly string _path = Path.Combine(Path.GetTempPath(), "fhirtrial-trial-fhir-tests", Guid.NewGuid().ToString("N") + ".db");

    public SqliteFhirStore Store { get; }
    public ResourceService Resources { get; }
    public RecordReader Records { get; }

    public TrialStore()
    {
        Store = new SqliteFhirStore($"Data Source={_path}");
        var registry = new SearchParameterRegistry();
        var extractor = new IndexExtractor(registry);
        var parser = new SearchParser(registry);
        Resources = new ResourceService(Store, extractor, parser, new NoWriteValidation());
        Records = new RecordReader(Store, parser);
    }

    public async Task InitializeAsync()
    {
        await Store.MigrateAsync(default);
        // One transaction: the fixture's references to each other resolve whatever the file order.
        var fixture = Directory.GetFiles(Path.Combine(RepositoryRoot(), "fhir-examples", "study"), "*.json")
            .Select(file => FhirSerializer.ParseJson(File.ReadAllText(file)));
        await Resources.TransactionAsync(fixture.Select(r => WriteRequest.Update(r.TypeName, r.Id!, r)).ToList(), default);
    }

    public Task DisposeAsync()
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            try { File.Delete(_path + suffix); } catch (IOException) { /* best effort */ }
        return Task.CompletedTask;
    }

    /// <summary>Writes (creates or replaces) a resource under its id.</summary>
    public async Task<T> PutAsync<T>(T resource) where T : Resource
    {
        resource.Id ??= Guid.NewGuid().ToString("N")[..12];
        await Resources.UpdateAsync(resource.TypeName, resource.Id, resource, null, default);
        return resource;
    }

    public async Task PutAllAsync(IEnumerable<Resource> resources)
    {
        foreach (var resource in resources) await PutAsync(resource);
    }

    /// <summary>Posts a Bundle file (path under the repository) through the transaction engine, as an EHR would;
    /// <paramref name="through"/> is a ResourceService with validation on, when the test wants it.</summary>
    public async Task PostBundleFileAsync(string relativePath, ResourceService? through = null)
    {
        var bundles = new BundleProcessor(through ?? Resources, new SearchService(Store, new SearchParser(new SearchParameterRegistry())));
        var json = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), relativePath));
        await bundles.ProcessAsync((Bundle)FhirSerializer.ParseJson(json), new RequestContext("http://localhost/fhir"), default);
    }

    public static OperationRequest Get(string type, string? id, params (string Name, string Value)[] query) =>
        new("GET", type, id, query.Select(q => new KeyValuePair<string, string>(q.Name, q.Value)).ToArray(), null,
            new RequestContext("http://localhost/fhir"));

    public static OperationRequest Post(string type, string? id, Resource body, params (string Name, string Value)[] query) =>
        new("POST", type, id, query.Select(q => new KeyValuePair<string, string>(q.Name, q.Value)).ToArray(), body,
            new RequestContext("http://localhost/fhir"));

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FhirTrial.sln")))
                return dir.FullName;
        throw new InvalidOperationException("FhirTrial.sln not found above the test binaries.");
    }
}
