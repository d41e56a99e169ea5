namespace FhirTrial.Fhir.Storage;

/// <summary>A notification to send: which subscription heard of which version of which resource.</summary>
public sealed record PendingNotification(string SubscriptionId, string ResourceType, string ResourceId, int Version, DateTimeOffset Occurred);

/// <summary>A notification in the outbox, with its delivery attempts so far.</summary>
/// <param name="EventNumber">Its place among the events of its subscription (1, 2, ...; the Backport IG's
/// <c>event-number</c>), given just before it is first sent and kept across retries; null until then.</param>
public sealed record OutboxNotification(long Id, string SubscriptionId, string ResourceType, string ResourceId, int Version,
    DateTimeOffset Occurred, int Attempts, string? LastError, long? EventNumber = null);

/// <summary>
/// The subscription outbox: rows written by <see cref="IStoreTransaction.EnqueueNotificationsAsync"/> in the transaction of
/// the change they report, taken out by the delivery worker. A row stays until it is delivered or its subscription gives up,
/// so deliveries survive a restart (at-least-once).
/// </summary>
public interface ISubscriptionOutbox
{
    /// <summary>Up to <paramref name="limit"/> notifications due at <paramref name="now"/>, each leased until
    /// <c>now + lease</c> so that another worker (another node) does not send it meanwhile.</summary>
    Task<IReadOnlyList<OutboxNotification>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken ct);

    /// <summary>The notification's event number: the one it has, or else its subscription's next, kept on its row from
    /// now on. Asked just before a notification is first sent, so that events never sent (dropped, withheld) leave no gap
    /// a client could not fill. Null when the notification is no longer in the outbox.</summary>
    Task<long?> EventNumberAsync(OutboxNotification notification, CancellationToken ct);

    /// <summary>Removes a delivered notification.</summary>
    Task DeliveredAsync(long id, CancellationToken ct);

    /// <summary>Records a failed attempt and when to try again.</summary>
    Task RetryAsync(long id, int attempts, DateTimeOffset nextAttempt, string error, CancellationToken ct);

    /// <summary>Removes every pending notification of a subscription (it was turned off, deleted, or gave up).</summary>
    Task DropAsync(string subscriptionId, CancellationToken ct);

    /// <summary>Makes every pending notification of a subscription due at <paramref name="nextAttempt"/>, attempts unchanged:
    /// a websocket subscription's are held while no socket is bound and offered again at once when one binds.</summary>
    Task RescheduleAsync(string subscriptionId, DateTimeOffset nextAttempt, CancellationToken ct);

    /// <summary>The pending notifications of a subscription, oldest first.</summary>
    Task<IReadOnlyList<OutboxNotification>> PendingAsync(string subscriptionId, CancellationToken ct);
}
