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
        if (channel.Type != Subscription.SubscriptionChannelType.RestHook)
            throw FhirException.Unprocessable($"Only rest-hook channels are delivered by this server, not {channel.Type?.ToString() ?? "none"}.", "Subscription.channel.type");
        if (channel.Payload is { } payload && payload is not (RestHookPayload or "application/json"))
            throw FhirException.Unprocessable($"channel.payload '{payload}' is not supported; use {RestHookPayload} (or none, for notifications without resources).",
                "Subscription.channel.payload");
        if (channel.Header.FirstOrDefault(h => h is null || !h.Contains(':') || h.IndexOfAny(['\r', '\n']) >= 0) is { } header)
            throw FhirException.Unprocessable($"channel.header '{header}' is not 'Name: value' on one line.", "Subscription.channel.header");
        if (subscription.Status is Subscription.SubscriptionStatus.Requested or Subscription.SubscriptionStatus.Active)
        {
            if (EndpointPolicy.Refusal(channel.Endpoint, settings) is { } refusal)
                throw FhirException.Unprocessable(refusal, "Subscription.channel.endpoint");
            // The endpoint is valid and allowed: the server takes the subscription on.
            if (subscription.Status == Subscription.SubscriptionStatus.Requested) subscription.Error = null;
            subscription.Status = Subscription.SubscriptionStatus.Active;
        }
        SubscriptionOwner.Stamp(subscription, writer);
    }

    public Task<IReadOnlyList<ActiveSubscription>> ActiveAsync(CancellationToken ct) => registry.ActiveAsync(ct);

    /// <summary>Puts a notification in the outbox for each written resource that an active subscription matches; returns how many.</summary>
    public async Task<int> EnqueueAsync(IStoreTransaction tx, IReadOnlyList<StoredResource> written, IReadOnlyList<ActiveSubscription> active, CancellationToken ct)
    {
        if (active.Count == 0 || written.Count == 0) return 0;
        var byType = written.Where(w => !w.Deleted).GroupBy(w => w.Type).ToDictionary(g => g.Key, g => g.ToDictionary(w => w.Id, StringComparer.Ordinal));
        var now = DateTimeOffset.UtcNow;
        var pending = new List<PendingNotification>();
        foreach (var subscription in active)
        {
            if (!byType.TryGetValue(subscription.Type, out var candidates)) continue;
            foreach (var chunk in candidates.Keys.Chunk(IdsPerMatch))
            {
                var query = subscription.Query with { Criteria = [.. subscription.Query.Criteria, new IdCriterion(chunk)], Count = chunk.Length };
                foreach (var id in await tx.MatchingIdsAsync(query, subscription.Owner, chunk.Length, ct))
                    pending.Add(new PendingNotification(subscription.Id, subscription.Type, id, candidates[id].Version, now));
            }
        }
        if (pending.Count > 0) await tx.EnqueueNotificationsAsync(pending, ct);
        return pending.Count;
    }

    /// <summary>After the commit: a written Subscription changes what is active; queued notifications wake the worker.</summary>
    public void Committed(bool subscriptionsChanged, int enqueued)
    {
        if (subscriptionsChanged) registry.Invalidate();
        if (enqueued > 0) signal.Pulse();
    }
}
