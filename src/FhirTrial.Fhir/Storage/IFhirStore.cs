using FhirTrial.Fhir.Search;
using FhirTrial.Fhir.Security;

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

    /// <summary>Which of these ids of one type are current (stored and not deleted), with their versions, in one query.
    /// The rows found stay locked against deletion until the transaction ends, so what a write references cannot
    /// vanish before it commits.</summary>
    Task<IReadOnlyDictionary<string, int>> CurrentVersionsAsync(string type, IReadOnlyCollection<string> ids, CancellationToken ct);

    /// <summary>Current resources, other than of <paramref name="ignoredTypes"/>, whose reference index points at one of
    /// the targets; at most <paramref name="limit"/> links.</summary>
    Task<Referrers> ReferrersAsync(IReadOnlyCollection<ResourceKey> targets, IReadOnlyCollection<string> ignoredTypes, int limit, CancellationToken ct);

    /// <summary>Ids the query matches as this transaction sees the data (its own writes included), restricted to what
    /// <paramref name="reader"/> may read; no lock taken. How a subscription's criteria meet a write.</summary>
    Task<IReadOnlyList<string>> MatchingIdsAsync(SearchQuery query, AccessPrincipal reader, int limit, CancellationToken ct);

    /// <summary>Adds notifications to the subscription outbox: they commit, or roll back, with the transaction.</summary>
    Task EnqueueNotificationsAsync(IReadOnlyList<PendingNotification> notifications, CancellationToken ct);
}

/// <summary>A current resource that references a target.</summary>
public readonly record struct ReferrerLink(ResourceKey Referrer, ResourceKey Target);

/// <summary>The referrers found: those the caller may see, and the targets of those it may not (never their ids).</summary>
public sealed record Referrers(IReadOnlyList<ReferrerLink> Visible, IReadOnlyList<ResourceKey> HiddenTargets)
{
    public bool Any => Visible.Count > 0 || HiddenTargets.Count > 0;
}

public readonly record struct ResourceKey(string Type, string Id)
{
    public override string ToString() => $"{Type}/{Id}";
}

public sealed record SearchPage(IReadOnlyList<StoredResource> Resources, int? Total);

/// <summary>A history request; <see cref="Filter"/>, when given, keeps only versions of resources whose current version satisfies it.</summary>
public sealed record HistoryQuery(string? Type, string? Id, DateTimeOffset? Since, DateTimeOffset? At, int Count, int Offset, SearchCriterion? Filter = null);

public sealed record HistoryPage(IReadOnlyList<StoredResource> Versions, int Total);
