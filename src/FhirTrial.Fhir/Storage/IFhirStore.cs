using FhirTrial.Fhir.Search;

namespace FhirTrial.Fhir.Storage;

/// <summary>The storage contract every store implements: versioned resources, history, and the search query model.</summary>
public interface IFhirStore
{
    /// <summary>Creates or upgrades the schema; safe to call on every start.</summary>
    Task MigrateAsync(CancellationToken ct);

    /// <summary>Runs <paramref name="work"/> in one database transaction; everything it writes commits or none of it does.
    /// Writers are serialized per resource, and a store may run the work again after a serialization failure.</summary>
    Task<T> WriteAsync<T>(Func<IStoreTransaction, Task<T>> work, CancellationToken ct);

    Task<StoredResource?> ReadAsync(string type, string id, CancellationToken ct);
    Task<StoredResource?> ReadVersionAsync(string type, string id, int version, CancellationToken ct);
    Task<IReadOnlyList<StoredResource>> ReadManyAsync(IReadOnlyCollection<ResourceKey> keys, CancellationToken ct);

    Task<SearchPage> SearchAsync(SearchQuery query, CancellationToken ct);

    /// <summary>The local references held by the given resources under a parameter (for <c>_include</c>).</summary>
    Task<IReadOnlyList<ResourceKey>> ReferencesFromAsync(IReadOnlyCollection<long> keys, string? param, string? targetType, CancellationToken ct);

    Task<HistoryPage> HistoryAsync(HistoryQuery query, CancellationToken ct);
}

/// <summary>What a write transaction may do: read its own writes, find matches for conditional operations, write.</summary>
public interface IStoreTransaction
{
    /// <summary>The current version, locked against concurrent writers until the transaction ends.</summary>
    Task<StoredResource?> ReadForUpdateAsync(string type, string id, CancellationToken ct);

    /// <summary>Ids matching a search, with the search itself locked so a concurrent conditional create waits.</summary>
    Task<IReadOnlyList<string>> FindIdsAsync(SearchQuery query, int limit, CancellationToken ct);

    /// <summary>Stores a version; throws a 409/412 FhirException when the stored version is not <c>Version - 1</c>.</summary>
    Task<StoredResource> PutAsync(ResourceWrite write, CancellationToken ct);

    /// <summary>Stores many new resources at once (ids known unused); stores may bulk-copy them.</summary>
    Task PutManyAsync(IReadOnlyList<ResourceWrite> writes, CancellationToken ct);
}

public readonly record struct ResourceKey(string Type, string Id);

public sealed record SearchPage(IReadOnlyList<StoredResource> Resources, int? Total);

/// <summary>A history request; <see cref="Filter"/>, when given, keeps only versions of resources whose current version satisfies it.</summary>
public sealed record HistoryQuery(string? Type, string? Id, DateTimeOffset? Since, DateTimeOffset? At, int Count, int Offset, SearchCriterion? Filter = null);

public sealed record HistoryPage(IReadOnlyList<StoredResource> Versions, int Total);
