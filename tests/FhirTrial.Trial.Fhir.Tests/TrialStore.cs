using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Search;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Validation;
using FhirTrial.Storage.Sqlite;
using FhirTrial.Trial.Fhir.Common;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;

namespace FhirTrial.Trial.Fhir.Tests;

/// <summary>A private SQLite store with the FHIR engine and the trial operations wired as the server wires them, and the study fixture loaded.</summary>
public sealed class TrialStore : IAsyncLifetime
{
    public const string StudyId = "ak104-rcc-2l";
    public const string GroupId = "ak104-rcc-2l-eligibility";

    private readonly string _path = Path.Combine(Path.GetTempPath(), "fhirtrial-trial-fhir-tests", Guid.NewGuid().ToString("N") + ".db");

    /// <summary>The trial package, read once for every test.</summary>
    public static readonly TrialPackage Package = TrialPackage.Load(Path.Combine(RepositoryRoot(), "profiles"));

    public SqliteFhirStore Store { get; }
    public ServiceProvider Services { get; }
    public ResourceService Resources { get; }
    public SearchParser Parser { get; }
    public RecordReader Records { get; }

    public TrialStore()
    {
        Store = new SqliteFhirStore($"Data Source={_path}");
        Services = Store.BuildFhirEngine(new NoWriteValidation(), Package, more: s => s.AddTrialOperations());
        Resources = Services.GetRequiredService<ResourceService>();
        Parser = Services.GetRequiredService<SearchParser>();
        Records = Services.GetRequiredService<RecordReader>();
    }

    public async Task InitializeAsync()
    {
        await Store.MigrateAsync(default);
        // One transaction: the fixture's references to each other resolve whatever the file order.
        var fixture = Directory.GetFiles(Path.Combine(RepositoryRoot(), "fhir-examples", "study"), "*.json")
            .Select(file => FhirSerializer.ParseJson(File.ReadAllText(file)));
        await Resources.TransactionAsync(fixture.Select(r => WriteRequest.Update(r.TypeName, r.Id!, r)).ToList(), default);
    }

    public async Task DisposeAsync()
    {
        await Services.DisposeAsync();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            try { File.Delete(_path + suffix); } catch (IOException) { /* best effort */ }
    }

    /// <summary>One of the operations <c>AddTrialOperations()</c> registers.</summary>
    public T Operation<T>() where T : IFhirOperation => Services.GetServices<IFhirOperation>().OfType<T>().Single();

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
    /// <paramref name="through"/> is the Bundle processor of an engine with validation on, when the test wants it.</summary>
    public async Task PostBundleFileAsync(string relativePath, BundleProcessor? through = null)
    {
        var bundles = through ?? Services.GetRequiredService<BundleProcessor>();
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
