using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Package;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Storage;
using FhirTrial.Fhir.Validation;
using FhirTrial.Storage.Sqlite;
using FhirTrial.Trial.Fhir;
using Hl7.Fhir.Model;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FhirTrial.Cli;

/// <summary>
/// The server's FHIR engine and trial operations over a throw-away SQLite file, for commands that compute without a
/// server: the study fixture is loaded first, then the caller's Bundle, exactly as a server would store them.
/// </summary>
public sealed class LocalTrialStore : IAsyncDisposable
{
    private readonly string _folder;
    private readonly ServiceProvider _services;

    private LocalTrialStore(string folder, ServiceProvider services)
    {
        _folder = folder;
        _services = services;
    }

    public IServiceProvider Services => _services;

    public static async Task<LocalTrialStore> CreateAsync(string? profilesFolder, string? fixtureFolder, CancellationToken ct)
    {
        var folder = Directory.CreateTempSubdirectory("fhirtrial-local-").FullName;
        var services = new ServiceCollection();
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton<IWriteValidator, NoWriteValidation>();
        services.AddFhirEngine(profilesFolder ?? ProjectFolders.Find("profiles"));
        services.AddSqliteStore($"Data Source={Path.Combine(folder, "local.db")}");
        services.AddTrialOperations();
        var store = new LocalTrialStore(folder, services.BuildServiceProvider());
        await store.Services.GetRequiredService<IFhirStore>().MigrateAsync(ct);
        var fixture = new ResourceFolder(fixtureFolder ?? ProjectFolders.Find(Path.Combine("fhir-examples", "study")));
        var resources = store.Services.GetRequiredService<ResourceService>();
        // One transaction: the fixture's references to each other resolve whatever the file order.
        await resources.TransactionAsync(fixture.Resources.Where(r => r.Id is not null).Select(r => WriteRequest.Update(r.TypeName, r.Id!, r)).ToList(), ct);
        return store;
    }

    /// <summary>Stores a Bundle of any type (a collection is stored entry by entry, in one transaction); returns the references written, in entry order.</summary>
    public async Task<IReadOnlyList<string>> LoadAsync(string bundleJson, CancellationToken ct)
    {
        if (FhirSerializer.ParseJson(bundleJson) is not Bundle bundle)
            throw Fhir.Errors.FhirException.BadRequest("The file is not a Bundle.");
        if (bundle.Type is not (Bundle.BundleType.Transaction or Bundle.BundleType.Batch))
        {
            foreach (var entry in bundle.Entry)
                if (entry.Resource is { } resource)
                    entry.Request ??= new Bundle.RequestComponent
                    {
                        Method = resource.Id is null ? Bundle.HTTPVerb.POST : Bundle.HTTPVerb.PUT,
                        Url = resource.Id is null ? resource.TypeName : $"{resource.TypeName}/{resource.Id}",
                    };
            bundle.Entry.RemoveAll(e => e.Resource is null);
            bundle.Type = Bundle.BundleType.Transaction;
        }
        var result = await Services.GetRequiredService<BundleProcessor>().ProcessAsync(bundle, new RequestContext("urn:fhirtrial:local"), ct);
        return result.Entries
            .Select(e => e.Response?.Location?.Split("/_history/")[0])
            .Select(l => l is null ? null : string.Join('/', l.Split('/')[^2..]))
            .OfType<string>()
            .ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
