using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Search;
using FhirTrial.Fhir.Security;
using FhirTrial.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Subscriptions;

/// <summary>
/// What the one write path does for subscriptions: accepts a Subscription (channel, endpoint allow-list, criteria, owner,
/// <c>requested</c> to <c>active</c>), and in every write transaction puts a notification in the outbox for each written
/// resource an active subscription's criteria match. Matching runs the criteria as a search, inside the transaction, on
/// the index rows just written, restricted to the subscription owner's access: one implementation of search semantics.
/// </summary>
public sealed class SubscriptionWrites(SubscriptionRegistry registry, SubscriptionSettings settings, AccessContext context,
    SearchParser parser, SubscriptionSignal signal)
{
    public const string RestHookPayload = "application/fhir+json";

    /// <summary>Ids per matching query.</summary>
    private const int IdsPerMatch = 500;

    /// <summary>Checks a Subscription about to be stored and sets what the server decides (owner, status).</summary>
    public void Accept(Subscription subscription)
    {
        var writer = context.Current?.Principal
            ?? throw new InvalidOperationException("A Subscription was written with no access identity to act with.");
        var (type, _) = SubscriptionCriteria.Parse(parser, subscription.Criteria);
        if (!AccessPolicy.MaySee(writer, type))
            throw GuardedFhirStore.Forbidden($"Client '{writer.ClientId}' may not read {type}, so it may not subscribe to it.");
        var channel = subscription.Channel ?? throw FhirException.Unprocessable("Subscription.channel is required.", "Subscription.channel");
        var websocket = channel.Type == Subscription.SubscriptionChannelType.Websocket;
        if (channel.Type != Subscription.SubscriptionChannelType.RestHook && !websocket)
            throw FhirException.Unprocessable($"Only rest-hook and websocket channels are delivered by this server, not {channel.Type?.ToString() ?? "none"}.", "Subscription.channel.type");
        if (channel.Payload is { } payload && payload is not (RestHookPayload or "application/json"))
            throw FhirException.Unprocessable($"channel.payload '{payload}' is not supported; use {RestHookPayload} (or none, for notifications without resources).",
                "Subscription.channel.payload");
        if (channel.Header.FirstOrDefault(h => h is null || !h.Contains(':') || h.IndexOfAny(['\r', '\n']) >= 0) is { } header)
            throw FhirException.Unprocessable($"channel.header '{header}' is not 'Name: value' on one line.", "Subscription.channel.header");
        if (subscription.Status is Subscription.SubscriptionStatus.Requested or Subscription.SubscriptionStatus.Active)
        {
            // A websocket client comes to the server (R4: the endpoint is not used), so there is nothing to allow.
            if (!websocket && EndpointPolicy.Refusal(channel.Endpoint, settings) is { } refusal)
                throw FhirException.Unprocessable(refusal, "Subscription.channel.endpoint");
            // The channel is valid (and its endpoint allowed): the server takes the subscription on.
            if (subscription.Status == Subscription.SubscriptionStatus.Requested) subscription.Error = null;
            subscription.Status = Subscription.SubscriptionStatus.Active;
        }
        SubscriptionOwner.Stamp(subscription, writer);
    }

    public Task<IReadOnlyList<ActiveSubscription>> ActiveAsync(CancellationToken ct) => registry.ActiveAsync(ct);

    /// <summary>Puts in the outbox the deletions matched before they were made, then a notification for each written
    /// resource that an active subscription matches; returns how many.</summary>
    public async Task<int> EnqueueAsync(IStoreTransaction tx, IReadOnlyList<StoredResource> written, IReadOnlyList<PendingNotification> deletions,
        IReadOnlyList<ActiveSubscription> active, CancellationToken ct)
    {
        var pending = new List<PendingNotification>(deletions);
        pending.AddRange(await MatchAsync(tx, written.Where(w => !w.Deleted).Select(w => (w.Type, w.Id, w.Version)), active, ct));
        if (pending.Count > 0) await tx.EnqueueNotificationsAsync(pending, ct);
        return pending.Count;
    }

    /// <summary>The notifications a deletion of these current versions will give: matched now, while they stand, since a
    /// deleted resource has no index rows. So a deletion is heard by those who heard of the resource, each within its
    /// owner's access as the resource was (a site hears of a deleted resource of its own patient only).</summary>
    public Task<List<PendingNotification>> MatchDeletionsAsync(IStoreTransaction tx, IReadOnlyList<StoredResource> doomed,
        IReadOnlyList<ActiveSubscription> active, CancellationToken ct)
        => MatchAsync(tx, doomed.Select(d => (d.Type, d.Id, d.Version + 1)), active, ct);

    /// <summary>Runs each active subscription's criteria over the candidates (type, id, the version to report).</summary>
    private static async Task<List<PendingNotification>> MatchAsync(IStoreTransaction tx, IEnumerable<(string Type, string Id, int Version)> candidates,
        IReadOnlyList<ActiveSubscription> active, CancellationToken ct)
    {
        var pending = new List<PendingNotification>();
        if (active.Count == 0) return pending;
        var byType = candidates.GroupBy(c => c.Type).ToDictionary(g => g.Key, g => g.ToDictionary(c => c.Id, c => c.Version, StringComparer.Ordinal));
        if (byType.Count == 0) return pending;
        var now = DateTimeOffset.UtcNow;
        foreach (var subscription in active)
        {
            if (!byType.TryGetValue(subscription.Type, out var versions)) continue;
            foreach (var chunk in versions.Keys.Chunk(IdsPerMatch))
            {
                var query = subscription.Query with { Criteria = [.. subscription.Query.Criteria, new IdCriterion(chunk)], Count = chunk.Length };
                foreach (var id in await tx.MatchingIdsAsync(query, subscription.Owner, chunk.Length, ct))
                    pending.Add(new PendingNotification(subscription.Id, subscription.Type, id, versions[id], now));
            }
        }
        return pending;
    }

    /// <summary>After the commit: a written Subscription changes what is active; queued notifications wake the worker.</summary>
    public void Committed(bool subscriptionsChanged, int enqueued)
    {
        if (subscriptionsChanged) registry.Invalidate();
        if (enqueued > 0) signal.Pulse();
    }
}
