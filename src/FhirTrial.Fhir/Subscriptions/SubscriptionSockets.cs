using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using FhirTrial.Fhir.Security;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Storage;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Logging;

namespace FhirTrial.Fhir.Subscriptions;

/// <summary>A client's websocket: who opened it (the access token's principal), until when that token holds, and its
/// sends, one at a time.</summary>
public sealed class BoundSocket(WebSocket socket, AccessPrincipal client, DateTimeOffset? expires)
{
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly ConcurrentDictionary<string, byte> _subscriptions = new(StringComparer.Ordinal);

    public AccessPrincipal Client => client;

    public DateTimeOffset? Expires => expires;

    public IReadOnlyCollection<string> Subscriptions => (IReadOnlyCollection<string>)_subscriptions.Keys;

    internal bool Add(string subscriptionId) => _subscriptions.TryAdd(subscriptionId, 0);

    public bool Expired(DateTimeOffset now) => expires is { } end && now >= end;

    /// <summary>Sends text messages in order; false when the socket is gone or did not take them in time.</summary>
    public async Task<bool> SendAsync(IReadOnlyList<string> messages, TimeSpan timeout, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            await _sending.WaitAsync(limit.Token);
            try
            {
                foreach (var message in messages)
                {
                    if (socket.State != WebSocketState.Open) return false;
                    await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, endOfMessage: true, limit.Token);
                }
                return true;
            }
            finally
            {
                _sending.Release();
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Ends the connection with a reason the client can read.</summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string reason)
    {
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await socket.CloseOutputAsync(status, reason, CancellationToken.None);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // already gone
        }
    }
}

/// <summary>
/// The R4 websocket channel (FHIR R4 Subscription, section 5.1.0.x "websocket"): a client opens a websocket at the server's
/// advertised endpoint with its access token, sends <c>bind {subscription-id}</c>, is answered <c>bound {id}</c> (or
/// <c>error {id} {reason}</c>), and then hears <c>ping {id}</c> for each notification, followed by the notification Bundle
/// when the subscription asks for a payload. The notifications come from the outbox like any other (the dispatcher sends
/// them here); one held while no socket is bound is sent once one binds, within <see cref="SubscriptionSettings.WebSocketHold"/>.
/// </summary>
public sealed class SubscriptionSockets(IFhirStore store, ISubscriptionOutbox outbox, SubscriptionSignal signal, TimeProvider clock,
    ILogger<SubscriptionSockets> logger)
{
    /// <summary>Subscriptions one socket may bind.</summary>
    public const int MaxBindingsPerSocket = 20;

    /// <summary>Longest command a client may send.</summary>
    public const int MaxCommandBytes = 1024;

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<BoundSocket, byte>> _bound = new(StringComparer.Ordinal);

    /// <summary>The sockets bound to a subscription on this node.</summary>
    public IReadOnlyList<BoundSocket> BoundTo(string subscriptionId)
        => _bound.TryGetValue(subscriptionId, out var sockets) ? sockets.Keys.ToList() : [];

    /// <summary>Serves one client's websocket until it closes, its token expires, or the server stops. Runs inside the
    /// upgrade request's access, so the Subscriptions it binds are read as the REST API would read them for the client.</summary>
    public async Task RunAsync(WebSocket socket, AccessPrincipal client, DateTimeOffset? expires, CancellationToken ct)
    {
        var bound = new BoundSocket(socket, client, expires);
        await using var expiry = expires is { } end
            ? clock.CreateTimer(_ => _ = bound.CloseAsync(WebSocketCloseStatus.PolicyViolation, "The access token expired."),
                null, Max(end - clock.GetUtcNow(), TimeSpan.Zero), Timeout.InfiniteTimeSpan)
            : null;
        try
        {
            var buffer = new byte[MaxCommandBytes];
            while (socket.State == WebSocketState.Open)
            {
                var command = await ReceiveAsync(socket, buffer, ct);
                if (command is null) break;
                if (command.Length == 0)
                {
                    await bound.CloseAsync(WebSocketCloseStatus.MessageTooBig, $"A command is at most {MaxCommandBytes} bytes of text.");
                    break;
                }
                await CommandAsync(bound, command.Trim(), ct);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // the client went away, or the server is stopping
        }
        finally
        {
            foreach (var id in bound.Subscriptions)
                if (_bound.TryGetValue(id, out var sockets)) sockets.TryRemove(bound, out _);
            if (socket.State == WebSocketState.CloseReceived) await bound.CloseAsync(WebSocketCloseStatus.NormalClosure, "");
        }
    }

    /// <summary>A text message; "" when it was too long or not text, null when the client closed.</summary>
    private static async Task<string?> ReceiveAsync(WebSocket socket, byte[] buffer, CancellationToken ct)
    {
        var length = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(length < buffer.Length ? buffer.AsMemory(length) : new byte[256], ct);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            length += result.Count;
            if (!result.EndOfMessage) continue;
            return result.MessageType != WebSocketMessageType.Text || length > buffer.Length ? "" : Encoding.UTF8.GetString(buffer, 0, length);
        }
    }

    private async Task CommandAsync(BoundSocket bound, string command, CancellationToken ct)
    {
        var timeout = TimeSpan.FromSeconds(10);
        if (!command.StartsWith("bind ", StringComparison.Ordinal))
        {
            await bound.SendAsync(["error This channel takes 'bind {subscription-id}'."], timeout, ct);
            return;
        }
        var id = command["bind ".Length..].Trim();
        if (id.StartsWith("Subscription/", StringComparison.Ordinal)) id = id["Subscription/".Length..];
        var refusal = await RefusalAsync(bound, id, ct);
        if (refusal is not null)
        {
            await bound.SendAsync([$"error {id} {refusal}"], timeout, ct);
            return;
        }
        // "bound" goes out before the first ping: the socket joins the subscription only after it is sent
        if (!await bound.SendAsync([$"bound {id}"], timeout, ct)) return;
        bound.Add(id);
        _bound.GetOrAdd(id, _ => new()).TryAdd(bound, 0);
        logger.LogInformation("A websocket of {Client} bound Subscription/{Subscription}.", bound.Client.ClientId, id);
        // what was held for want of a socket is due now
        await outbox.RescheduleAsync(id, clock.GetUtcNow(), ct);
        signal.Pulse();
    }

    /// <summary>Why the client may not bind the subscription, or null. The Subscription is read through the store with the
    /// client's access (what it may not read is "not known"), then judged by <see cref="Refusal(AccessPrincipal, Subscription)"/>.</summary>
    private async Task<string?> RefusalAsync(BoundSocket bound, string id, CancellationToken ct)
    {
        if (bound.Expired(clock.GetUtcNow())) return "The access token expired.";
        if (id.Length is 0 or > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.')) return "That is not a Subscription id.";
        if (bound.Subscriptions.Contains(id)) return $"Subscription/{id} is bound on this socket already.";
        if (bound.Subscriptions.Count >= MaxBindingsPerSocket) return $"A socket binds at most {MaxBindingsPerSocket} subscriptions.";
        var stored = await store.ReadAsync(AccessPolicy.Subscription, id, ct);
        if (stored is null || stored.Deleted || FhirSerializer.ParseJson(stored.Json) is not Subscription subscription)
            return $"Subscription/{id} is not known.";
        return Refusal(bound.Client, subscription);
    }

    /// <summary>
    /// Whether <paramref name="client"/> may hear a subscription's notifications: it must be an active websocket
    /// subscription, the client must be allowed to read the type its criteria search, and a site client only a subscription
    /// that its own site owns (a subscription is matched with its owner's access, so another's could tell of another site's
    /// data). Judged at bind and again before every notification, as owners and tokens change.
    /// </summary>
    public static string? Refusal(AccessPrincipal client, Subscription subscription)
    {
        var id = subscription.Id;
        if (subscription.Channel?.Type != Subscription.SubscriptionChannelType.Websocket) return $"Subscription/{id} does not have a websocket channel.";
        if (subscription.Status != Subscription.SubscriptionStatus.Active)
            return $"Subscription/{id} is {subscription.Status?.ToString().ToLowerInvariant() ?? "without status"}, not active.";
        if (SubscriptionOwner.Of(subscription) is not { } owner) return $"Subscription/{id} has no owner to act for.";
        var criteria = subscription.Criteria ?? "";
        var type = criteria.Contains('?') ? criteria[..criteria.IndexOf('?')] : criteria;
        if (!AccessPolicy.MaySee(client, type)) return $"Client '{client.ClientId}' may not read {type}.";
        if (client.IsSite && (!owner.IsSite || owner.Site != client.Site))
            return $"Subscription/{id} is not site {client.Site}'s: a site client binds only its own site's subscriptions.";
        return null;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
