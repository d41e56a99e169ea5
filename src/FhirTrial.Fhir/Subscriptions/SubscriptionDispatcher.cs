using System.Net.Http.Headers;
using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Security;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Storage;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Logging;

namespace FhirTrial.Fhir.Subscriptions;

/// <summary>
/// Sends what the outbox holds: each notification POSTed to its subscription's endpoint; a failure is tried again after an
/// exponentially growing wait, and after <see cref="SubscriptionSettings.MaxAttempts"/> failures the subscription turns
/// <c>error</c> with the reason. A row leaves the outbox only once delivered (or given up), so a restart loses nothing and
/// a crash between sending and recording sends again: at-least-once. Every attempt is audited. A websocket subscription's
/// notification goes to the sockets bound to it on this node (<see cref="SubscriptionSockets"/>); while none is, it is held
/// (never counted as a failure) for <see cref="SubscriptionSettings.WebSocketHold"/>.
/// </summary>
public sealed class SubscriptionDispatcher(ISubscriptionOutbox outbox, GuardedFhirStore store, ResourceService resources, AccessContext context,
    SubscriptionSettings settings, HttpClient http, TimeProvider clock, ILogger<SubscriptionDispatcher> logger, SubscriptionSockets? sockets = null)
{
    /// <summary>Notifications taken per round.</summary>
    public const int Batch = 20;

    public const string Purpose = "subscription-notification";

    /// <summary>Delivers what is due; returns how many notifications it handled.</summary>
    public async Task<int> DispatchDueAsync(CancellationToken ct)
    {
        using var _ = context.EnterServer(Purpose);
        var lease = settings.DeliveryTimeout * 2 + TimeSpan.FromSeconds(30);
        var due = await outbox.ClaimDueAsync(clock.GetUtcNow(), lease, Batch, ct);
        var subscriptions = new Dictionary<string, (Subscription? Subscription, int Version, DateTimeOffset Written)>(StringComparer.Ordinal);
        var held = new HashSet<string>(StringComparer.Ordinal);
        foreach (var notification in due)
        {
            if (held.Contains(notification.SubscriptionId)) continue; // held with the rest of its notifications
            if (!subscriptions.TryGetValue(notification.SubscriptionId, out var current))
                subscriptions[notification.SubscriptionId] = current = await ReadSubscriptionAsync(notification.SubscriptionId, ct);
            if (current.Subscription is not { Status: Subscription.SubscriptionStatus.Active } subscription)
            {
                // turned off, in error, or deleted since: what it had pending is dropped
                await outbox.DropAsync(notification.SubscriptionId, ct);
                continue;
            }
            if (notification.Occurred < current.Written)
            {
                // matched for an earlier version, perhaps with another owner's access or other criteria: not this one's to tell
                await AuditAsync(subscription.Id!, notification, "anyone", null, "matched before the subscription was last written", ct);
                await outbox.DeliveredAsync(notification.Id, ct);
                continue;
            }
            switch (await DeliverAsync(subscription, current.Version, notification, ct))
            {
                case Delivery.GaveUp:
                    subscriptions[notification.SubscriptionId] = (null, 0, default); // the rest of its batch is dropped
                    break;
                case Delivery.Held:
                    held.Add(notification.SubscriptionId);
                    break;
            }
        }
        return due.Count;
    }

    /// <summary>The subscription, its version, and when that version was written.</summary>
    private async Task<(Subscription?, int, DateTimeOffset)> ReadSubscriptionAsync(string id, CancellationToken ct)
    {
        var stored = await store.ReadAsync("Subscription", id, ct);
        return stored is null || stored.Deleted ? (null, 0, default)
            : (FhirSerializer.ParseJson(stored.Json) as Subscription, stored.Version, stored.LastUpdated);
    }

    private enum Delivery { Done, Held, GaveUp }

    /// <summary>One attempt: done (delivered, or to be tried again), held for a websocket, or given up.</summary>
    private async Task<Delivery> DeliverAsync(Subscription subscription, int version, OutboxNotification notification, CancellationToken ct)
    {
        if (subscription.Channel.Type == Subscription.SubscriptionChannelType.Websocket)
            return await DeliverToSocketsAsync(subscription, notification, ct);
        var id = notification.SubscriptionId;
        var endpoint = subscription.Channel.Endpoint ?? "";
        string? failure = EndpointPolicy.Refusal(endpoint, settings);
        var permanent = failure is not null;
        int? status = null;
        if (failure is null)
        {
            if (await NumberedAsync(notification, ct) is not { } numbered) return Delivery.Done;
            notification = numbered;
            (status, failure) = await PostAsync(subscription, endpoint, await BundleAsync(subscription, notification, ct), ct);
            // Refused for its size: told again without the resource (the status entry's focus says what to read back), so
            // that one large resource, which any writer the criteria match can send, cannot use up the retries and turn
            // the subscription to error.
            if (status == (int)System.Net.HttpStatusCode.RequestEntityTooLarge && subscription.Channel.Payload is not null)
            {
                await AuditAsync(id, notification, endpoint, status, failure, ct);
                (status, failure) = await PostAsync(subscription, endpoint,
                    NotificationBundle.Build(settings.PublicBase, id, notification, resource: null, clock.GetUtcNow()), ct);
            }
        }
        await AuditAsync(id, notification, endpoint, status, failure, ct);
        if (failure is null)
        {
            await outbox.DeliveredAsync(notification.Id, ct);
            return Delivery.Done;
        }
        var attempts = notification.Attempts + 1;
        if (!permanent && attempts < settings.MaxAttempts)
        {
            logger.LogInformation("Notification {Event} of Subscription/{Subscription} failed ({Attempt} of {Max}); trying again later.",
                notification.Id, subscription.Id, attempts, settings.MaxAttempts);
            await outbox.RetryAsync(notification.Id, attempts, clock.GetUtcNow() + settings.Backoff(attempts), failure, ct);
            return Delivery.Done;
        }
        await GiveUpAsync(subscription, version, permanent ? failure : $"{attempts} deliveries to the endpoint failed; the last: {failure}", ct);
        return Delivery.GaveUp;
    }

    /// <summary>The notification with its event number, or null when another worker delivered it meanwhile.</summary>
    private async Task<OutboxNotification?> NumberedAsync(OutboxNotification notification, CancellationToken ct)
        => await outbox.EventNumberAsync(notification, ct) is { } number ? notification with { EventNumber = number } : null;

    /// <summary>The notification Bundle, with the resource (or its deletion) when the subscription asks for a payload.</summary>
    private async Task<Bundle> BundleAsync(Subscription subscription, OutboxNotification notification, CancellationToken ct)
    {
        var resource = subscription.Channel.Payload is null ? null : await FocusAsync(notification, ct);
        return NotificationBundle.Build(settings.PublicBase, notification.SubscriptionId, notification, resource, clock.GetUtcNow());
    }

    /// <summary><c>ping {id}</c> (and the Bundle, for a payload) queued for every socket bound to the subscription here whose
    /// client may still hear it (delivered once queued: the socket sends on its own); held when there is none, dropped once
    /// held longer than <see cref="SubscriptionSettings.WebSocketHold"/>.</summary>
    private async Task<Delivery> DeliverToSocketsAsync(Subscription subscription, OutboxNotification notification, CancellationToken ct)
    {
        var id = notification.SubscriptionId;
        var now = clock.GetUtcNow();
        var listeners = new List<BoundSocket>();
        var withheld = 0;
        StoredResource? focus = null;
        foreach (var socket in sockets?.BoundTo(id) ?? [])
        {
            var refusal = socket.Expired(now) ? "The access token expired." : SubscriptionSockets.Refusal(socket.Client, subscription);
            if (refusal is not null)
                await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, refusal);
            else if (await MayHearAsync(socket.Client, notification, focus ??= await FocusAsync(notification, ct), ct))
                listeners.Add(socket);
            else withheld++;
        }
        if (listeners.Count == 0 && withheld > 0)
        {
            // bound only by clients that may not read this resource: never theirs to hear, so not held for them either
            await AuditAsync(id, notification, $"{withheld} websocket(s)", null, "withheld: the clients bound may not read the resource", ct);
            await outbox.DeliveredAsync(notification.Id, ct);
            return Delivery.Done;
        }
        var reached = new List<string>();
        if (listeners.Count > 0)
        {
            if (await NumberedAsync(notification, ct) is not { } numbered) return Delivery.Done;
            notification = numbered;
            List<string> messages = [$"ping {id}"];
            if (subscription.Channel.Payload is not null)
                messages.Add(FhirSerializer.ToJson(NotificationBundle.Build(settings.PublicBase, id, notification, focus, now)));
            // queued for each socket's own sender: a client that does not read holds up no other subscriber
            foreach (var socket in listeners)
                if (socket.Offer(messages)) reached.Add(socket.Client.ClientId);
        }
        if (reached.Count > 0)
        {
            await AuditAsync(id, notification, $"{reached.Count} websocket(s) of {string.Join(", ", reached.Distinct())}", null, null, ct);
            await outbox.DeliveredAsync(notification.Id, ct);
            return Delivery.Done;
        }
        if (now - notification.Occurred >= settings.WebSocketHold)
        {
            await AuditAsync(id, notification, "a websocket", null, $"no socket was bound within {settings.WebSocketHold.TotalMinutes:0.#} min", ct);
            await outbox.DeliveredAsync(notification.Id, ct);
            return Delivery.Done;
        }
        await outbox.RescheduleAsync(id, now + settings.WebSocketRecheck, ct);
        return Delivery.Held;
    }

    /// <summary>The notified version of the resource (for a deletion, the deleted version), or null when it is gone; a
    /// Subscription as any reader sees it, without its header values.</summary>
    private async Task<StoredResource?> FocusAsync(OutboxNotification notification, CancellationToken ct)
        => await store.Inner.ReadVersionAsync(notification.ResourceType, notification.ResourceId, notification.Version, ct) is { } focus
            ? SubscriptionHeaders.Withhold(focus) : null;

    /// <summary>Whether a socket's client may hear of this resource: as the subscription matched it (owner's access), and
    /// besides as the client would read it now, so that a notification matched for an owner before the subscription
    /// changed hands never reaches another site. A deletion leaves no index to judge by: it was matched, while it
    /// stood, with the owner's access, which the client shares (see <see cref="SubscriptionSockets.Refusal"/>).</summary>
    private async Task<bool> MayHearAsync(AccessPrincipal client, OutboxNotification notification, StoredResource? focus, CancellationToken ct)
    {
        if (!AccessPolicy.MaySee(client, notification.ResourceType) || focus is null) return false;
        return !client.IsSite || focus.Deleted || await store.VisibleAsync(client, notification.ResourceType, [notification.ResourceId], ct);
    }

    private async Task<(int? Status, string? Failure)> PostAsync(Subscription subscription, string endpoint, Bundle bundle, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent(FhirSerializer.ToJson(bundle), System.Text.Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(SubscriptionWrites.RestHookPayload) { CharSet = "utf-8" };
        foreach (var header in subscription.Channel.Header.OfType<string>())
        {
            var colon = header.IndexOf(':');
            if (colon > 0) request.Headers.TryAddWithoutValidation(header[..colon].Trim(), header[(colon + 1)..].Trim());
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.DeliveryTimeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var code = (int)response.StatusCode;
            return (code, response.IsSuccessStatusCode ? null : $"the endpoint answered HTTP {code}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, $"the endpoint did not answer within {settings.DeliveryTimeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            return (null, $"the endpoint could not be reached ({e.HttpRequestError})");
        }
    }

    /// <summary>The subscription turns <c>error</c> with the reason, through the write path (audited, kept in history);
    /// its pending notifications are dropped.</summary>
    private async Task GiveUpAsync(Subscription subscription, int version, string reason, CancellationToken ct)
    {
        logger.LogWarning("Subscription/{Subscription} turned to error: {Reason}", subscription.Id, reason);
        subscription.Status = Subscription.SubscriptionStatus.Error;
        subscription.Error = reason;
        try
        {
            await resources.UpdateAsync("Subscription", subscription.Id!, subscription, version, ct);
        }
        catch (FhirException e) when (e.Status is System.Net.HttpStatusCode.PreconditionFailed or System.Net.HttpStatusCode.Conflict)
        {
            // changed meanwhile by its owner: the next round reads it again
            return;
        }
        await outbox.DropAsync(subscription.Id!, ct);
    }

    private Task AuditAsync(string subscriptionId, OutboxNotification notification, string endpoint, int? status, string? failure, CancellationToken ct)
    {
        var access = context.Current!;
        var audit = AuditRecords.Event(access, new FhirInteraction("operation", "Subscription", subscriptionId, Purpose), null,
            [$"Subscription/{subscriptionId}", $"{notification.ResourceType}/{notification.ResourceId}/_history/{notification.Version}"], [],
            failure is null ? status ?? 200 : status is >= 400 ? status.Value : 502, clock.GetUtcNow(), action: "E");
        audit.OutcomeDesc = failure is null ? $"delivered to {endpoint}{(status is null ? "" : $" (HTTP {status})")}" : $"not delivered to {endpoint}: {failure}";
        return store.RecordAsync(audit, ct);
    }
}
