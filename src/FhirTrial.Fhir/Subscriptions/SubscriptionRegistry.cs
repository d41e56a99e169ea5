using FhirTrial.Fhir.Search;
using FhirTrial.Fhir.Security;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Subscriptions;

/// <summary>An active subscription as matching needs it: the criteria's query and whose access it matches with.</summary>
public sealed record ActiveSubscription(string Id, string Type, SearchQuery Query, AccessPrincipal Owner);

/// <summary>
/// The active subscriptions, read from the store and kept until a Subscription is written on this node (or, for writes on
/// other nodes, for <see cref="MaxAge"/>), so that a write with no subscription to meet costs no query.
/// </summary>
public sealed class SubscriptionRegistry(IFhirStore store, AccessContext context, SearchParser parser, TimeProvider clock)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    /// <summary>Most subscriptions held; beyond it the rest are not matched (and the log says so).</summary>
    public const int MaxActive = 1000;

    private sealed record Snapshot(IReadOnlyList<ActiveSubscription> Active, DateTimeOffset LoadedAt);

    private volatile Snapshot? _snapshot;

    public async Task<IReadOnlyList<ActiveSubscription>> ActiveAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_snapshot is { } held && now - held.LoadedAt < MaxAge) return held.Active;
        var loaded = new Snapshot(await LoadAsync(ct), now);
        _snapshot = loaded;
        return loaded.Active;
    }

    public void Invalidate() => _snapshot = null;

    private async Task<IReadOnlyList<ActiveSubscription>> LoadAsync(CancellationToken ct)
    {
        var active = parser.Parse("Subscription", [new("status", "active")], strict: true).Query with { Count = MaxActive };
        using var _ = context.EnterServer("subscription-matching");
        var page = await store.SearchAsync(active, ct);
        var list = new List<ActiveSubscription>();
        foreach (var stored in page.Resources)
        {
            if (FhirSerializer.ParseJson(stored.Json) is not Subscription subscription || SubscriptionOwner.Of(subscription) is not { } owner) continue;
            try
            {
                var (type, query) = SubscriptionCriteria.Parse(parser, subscription.Criteria);
                list.Add(new ActiveSubscription(stored.Id, type, query, owner));
            }
            catch (Errors.FhirException)
            {
                // accepted criteria the registry no longer parses (a search parameter withdrawn): it matches nothing
            }
        }
        return list;
    }
}

/// <summary>Wakes the delivery worker when a commit put notifications in the outbox.</summary>
public sealed class SubscriptionSignal
{
    private readonly SemaphoreSlim _pulse = new(0, 1);

    public void Pulse()
    {
        try { _pulse.Release(); } catch (SemaphoreFullException) { } // already pending
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _pulse.WaitAsync(timeout, ct);
}
