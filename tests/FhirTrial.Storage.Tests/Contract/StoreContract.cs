using System.Net;
using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Indexing;
using FhirTrial.Fhir.Search;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Storage;
using FhirTrial.Fhir.Validation;
using Microsoft.Extensions.DependencyInjection;
using Hl7.Fhir.Model;

namespace FhirTrial.Storage.Tests.Contract;

/// <summary>The storage contract, written once: every store signs up with a subclass that supplies a fresh, private store.</summary>
/// <remarks>xUnit makes a new instance per test, so every test starts from an empty, migrated store of its own.
/// The engine (registry with the trial package's SearchParameters, extractor, parser, services) is wired by
/// <c>AddFhirEngine</c>, exactly as the server wires it.</remarks>
public abstract partial class StoreContract : IAsyncLifetime
{
    protected const string BaseUrl = "http://test/fhir";
    protected static readonly CancellationToken None = CancellationToken.None;

    protected IFhirStore Store { get; private set; } = null!;
    protected SearchParameterRegistry Registry { get; private set; } = null!;
    protected SearchParser Parser { get; private set; } = null!;
    protected ResourceService Resources { get; private set; } = null!;
    protected SearchService Searches { get; private set; } = null!;
    protected BundleProcessor Bundles { get; private set; } = null!;
    protected RequestContext Context { get; } = new(BaseUrl);

    /// <summary>The trial package, read once for the whole suite.</summary>
    internal static readonly TrialPackage Package = TrialPackage.Load();

    private ServiceProvider? _engine;

    /// <summary>A new, empty store that no other test sees (the contract migrates it).</summary>
    protected abstract Task<IFhirStore> CreateStoreAsync();

    /// <summary>A second store object on the same data, as a restarted server opens it.</summary>
    protected abstract IFhirStore Reopen();

    /// <summary>Runs SQL on the store's database, as an operator or an older version of the server would have.</summary>
    protected abstract Task ExecuteSqlAsync(string sql);

    /// <summary>The one number a query over the store's own tables gives.</summary>
    protected abstract Task<long> QueryLongAsync(string sql);

    /// <summary>Runs the store's schema step that gives Subscriptions stored before <c>owner-client</c> and
    /// <c>owner-site</c> their owner rows (a migration on PostgreSQL, a statement of every start on SQLite).</summary>
    protected abstract Task BackfillSubscriptionOwnersAsync();

    /// <summary>Releases the store and whatever holds its data.</summary>
    protected virtual async Task DeleteStoreAsync(IFhirStore store)
    {
        if (store is IAsyncDisposable asyncDisposable) await asyncDisposable.DisposeAsync();
        else if (store is IDisposable disposable) disposable.Dispose();
    }

    public async Task InitializeAsync()
    {
        // Absolute references to the server's own base are local references.
        LocalBase.Register(BaseUrl);
        Store = await CreateStoreAsync();
        await Store.MigrateAsync(None);
        _engine = Store.BuildFhirEngine(new NoWriteValidation(), Package);
        Registry = _engine.GetRequiredService<SearchParameterRegistry>();
        Parser = _engine.GetRequiredService<SearchParser>();
        Resources = _engine.GetRequiredService<ResourceService>();
        Searches = _engine.GetRequiredService<SearchService>();
        Bundles = _engine.GetRequiredService<BundleProcessor>();
    }

    /// <summary>The engine over the same store with <c>Fhir:ReferentialIntegrity=false</c>, as for a migration.</summary>
    protected ResourceService WithoutReferentialIntegrity()
        => AnotherEngine(new WriteRules(ReferentialIntegrity: false)).GetRequiredService<ResourceService>();

    private readonly List<ServiceProvider> _otherEngines = [];

    /// <summary>Another engine over the same store, wired by <c>AddFhirEngine</c> with other rules or more services
    /// (released with the test).</summary>
    protected ServiceProvider AnotherEngine(WriteRules? rules = null, Action<IServiceCollection>? more = null)
    {
        var engine = Store.BuildFhirEngine(new NoWriteValidation(), Package, rules, more);
        _otherEngines.Add(engine);
        return engine;
    }

    public async Task DisposeAsync()
    {
        foreach (var engine in _otherEngines) await engine.DisposeAsync();
        if (_engine is not null) await _engine.DisposeAsync();
        if (Store is not null) await DeleteStoreAsync(Store);
    }

    // ---- writing ----

    /// <summary>Creates (or replaces) the resource under its own id, as a client-assigned PUT does.</summary>
    protected async Task<T> PutAsync<T>(T resource) where T : Resource
    {
        var result = await Resources.UpdateAsync(resource.TypeName, resource.Id!, resource, null, None);
        return Parse<T>(result.Stored);
    }

    protected async Task PutAllAsync(params Resource[] resources)
    {
        foreach (var resource in resources) await PutAsync(resource);
    }

    protected async Task<StoredResource> CreateAsync(Resource resource)
        => (await Resources.CreateAsync(resource, null, None)).Stored;

    protected static T Parse<T>(StoredResource stored) where T : Resource => (T)FhirSerializer.ParseJson(stored.Json);

    /// <summary>The id of a local reference "Type/id".</summary>
    protected static string IdOf(string reference) => reference.Split('/')[1];

    // ---- searching ----

    protected async Task<Bundle> SearchAsync(string? type, string query, bool strict = false)
    {
        var raw = await Searches.SearchAsync(type, QueryString.Parse(query), Context with { StrictHandling = strict }, None);
        return raw.ToPoco();
    }

    /// <summary>Ids of the entries the search matched (not includes), in result order.</summary>
    protected async Task<List<string>> MatchIdsAsync(string type, string query)
        => Matches(await SearchAsync(type, query));

    protected static List<string> Matches(Bundle bundle)
        => bundle.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Match).Select(e => e.Resource!.Id!).ToList();

    protected static List<string> Included(Bundle bundle)
        => bundle.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Include).Select(e => $"{e.Resource!.TypeName}/{e.Resource!.Id}").ToList();

    protected async Task<int> CountAsync(string type, string query = "")
    {
        var bundle = await SearchAsync(type, query.Length == 0 ? "_summary=count" : query + "&_summary=count", strict: true);
        return bundle.Total ?? throw new InvalidOperationException("_summary=count gave no total");
    }

    /// <summary>Every version of every resource: what a failed write must leave unchanged.</summary>
    protected async Task<int> VersionCountAsync()
        => (await Store.HistoryAsync(new HistoryQuery(null, null, null, null, 1, 0), None)).Total;

    /// <summary>Asserts that the search matched exactly the given ids (comma separated, order ignored).</summary>
    protected async Task AssertMatchesAsync(string type, string query, string expected)
    {
        var actual = await MatchIdsAsync(type, query);
        Assert.Equal(Ids(expected), actual.Order(StringComparer.Ordinal).ToList());
    }

    protected static List<string> Ids(string commaSeparated)
        => commaSeparated.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal).ToList();

    protected static async Task<FhirException> FailsWith(HttpStatusCode status, Func<Task> action)
    {
        var error = await Assert.ThrowsAnyAsync<FhirException>(action);
        Assert.Equal(status, error.Status);
        Assert.True(error.Outcome.HasErrors(), "the OperationOutcome of a failure carries an error issue");
        return error;
    }

    // ---- resources ----

    protected static Patient NewPatient(string? id = null, string? family = null, string? mrn = null, string? birthDate = null) => new()
    {
        Id = id,
        Name = family is null ? [] : [new HumanName { Family = family }],
        Identifier = mrn is null ? [] : [new Identifier("urn:trial:mrn", mrn)],
        BirthDate = birthDate,
    };

    protected static Observation NewObservation(string? id = null, string? subject = null, string system = "http://loinc.org", string code = "8302-2") => new()
    {
        Id = id,
        Status = ObservationStatus.Final,
        Code = new CodeableConcept(system, code),
        Subject = subject is null ? null : new ResourceReference(subject),
    };
}
