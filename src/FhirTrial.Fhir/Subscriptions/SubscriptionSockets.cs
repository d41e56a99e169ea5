using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using FhirTrial.Fhir.Security;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Storage;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Logging;

namespace FhirTrial.Fhir.Subscriptions;

/// <summary>A client's websocket: who opened it (the access token's principal), until when that token holds, and its
/// sends, one at a time. Notifications wait in the socket's own short queue, so a client that does not read holds up
/// nobody but itself.</summary>
public sealed class BoundSocket(WebSocket socket, AccessPrincipal client, DateTimeOffset? expires)
{
    /// <summary>Notifications one socket may have waiting; a client further behind is cut off.</summary>
    public const int MaxQueued = 64;

    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly ConcurrentDictionary<string, byte> _subscriptions = new(StringComparer.Ordinal);
    private readonly Channel<IReadOnlyList<string>> _queue = Channel.CreateBounded<IReadOnlyList<string>>(
        new BoundedChannelOptions(MaxQueued) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public AccessPrincipal Client => client;

    public DateTimeOffset? Expires => expires;

    public IReadOnlyCollection<string> Subscriptions => (IReadOnlyCollection<string>)_subscriptions.Keys;

    internal bool Add(string subscriptionId) => _subscriptions.TryAdd(subscriptionId, 0);

    public bool Expired(DateTimeOffset now) => expires is { } end && now >= end;

    /// <summary>Queues one notification's messages for <see cref="SendQueuedAsync"/>; false when the socket is gone, or so
    /// far behind (<see cref="MaxQueued"/>) that it is cut off. Never waits for the client.</summary>
    public bool Offer(IReadOnlyList<string> messages)
    {
        if (socket.State != WebSocketState.Open) return false;
        if (_queue.Writer.TryWrite(messages)) return true;
        Abort();
        return false;
    }

    /// <summary>Sends what <see cref="Offer"/> queued, in order, until the socket ends; a client that does not take a
    /// notification within <paramref name="timeout"/> is cut off.</summary>
    internal async Task SendQueuedAsync(TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            await foreach (var messages in _queue.Reader.ReadAllAsync(ct))
                if (!await SendAsync(messages, timeout, ct))
                {
                    Abort();
                    return;
                }
        }
        catch (OperationCanceledException)
        {
            // the server is stopping
        }
    }

    /// <summary>Nothing more is queued: the socket has ended.</summary>
    internal void Complete() => _queue.Writer.TryComplete();

    /// <summary>Ends the connection at once (a client that does not read, or does not answer a close).</summary>
    internal void Abort()
    {
        try
        {
            socket.Abort();
        }
        catch (ObjectDisposedException)
        {
            // already ended
        }
    }

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
public sealed class SubscriptionSockets(IFhirStore store, ISubscriptionOutbox outbox, SubscriptionSignal signal, SubscriptionSettings settings,
    TimeProvider clock, ILogger<SubscriptionSockets> logger)
{
    /// <summary>The refusal of every bind on a node with <c>Subscriptions:Dispatch</c> false.</summary>
    public const string NotDispatching =
        "This node does not deliver notifications (Subscriptions:Dispatch is false): open the socket on a node that does.";

    /// <summary>Subscriptions one socket may bind.</summary>
    public const int MaxBindingsPerSocket = 20;

    /// <summary>Commands one socket may send: each is a store read, and a socket is not rate-limited as requests are.</summary>
    public const int MaxCommandsPerSocket = 3 * MaxBindingsPerSocket;

    /// <summary>Sockets one client may hold open on this node.</summary>
    public const int MaxSocketsPerClient = 10;

    /// <summary>Longest command a client may send.</summary>
    public const int MaxCommandBytes = 1024;

    /// <summary>How long a client may take to answer the server's close before the connection is cut.</summary>
    public static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<BoundSocket, byte>> _bound = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);

    /// <summary>Takes one of the client's <see cref="MaxSocketsPerClient"/> places, released by disposing the answer; null when
    /// the client holds them all.</summary>
    public IDisposable? Reserve(AccessPrincipal client)
    {
        while (true)
        {
            var open = _open.GetOrAdd(client.ClientId, 0);
            if (open >= MaxSocketsPerClient) return null;
            if (_open.TryUpdate(client.ClientId, open + 1, open)) return new Place(this, client.ClientId);
        }
    }

    private sealed class Place(SubscriptionSockets sockets, string clientId) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) sockets._open.AddOrUpdate(clientId, 0, (_, n) => Math.Max(0, n - 1));
        }
    }

    /// <summary>The sockets bound to a subscription on this node.</summary>
    public IReadOnlyList<BoundSocket> BoundTo(string subscriptionId)
        => _bound.TryGetValue(subscriptionId, out var sockets) ? sockets.Keys.ToList() : [];

    /// <summary>Serves one client's websocket until it closes, its token expires, or the server stops. Runs inside the
    /// upgrade request's access, so the Subscriptions it binds are read as the REST API would read them for the client.</summary>
    public async Task RunAsync(WebSocket socket, AccessPrincipal client, DateTimeOffset? expires, CancellationToken ct)
    {
        var bound = new BoundSocket(socket, client, expires);
        // a client that does not answer the close at expiry is cut off after a grace
        await using var expiry = expires is { } end
            ? clock.CreateTimer(_ => _ = ExpireAsync(bound), null, Max(end - clock.GetUtcNow(), TimeSpan.Zero), Timeout.InfiniteTimeSpan)
            : null;
        var sender = bound.SendQueuedAsync(settings.DeliveryTimeout, ct);
        try
        {
            var buffer = new byte[MaxCommandBytes];
            for (var commands = 0; socket.State == WebSocketState.Open; commands++)
            {
                var command = await ReceiveAsync(socket, buffer, ct);
                if (command is null) break;
                if (command.Length == 0)
                {
                    await bound.CloseAsync(WebSocketCloseStatus.MessageTooBig, $"A command is at most {MaxCommandBytes} bytes of text.");
                    break;
                }
                if (commands == MaxCommandsPerSocket)
                {
                    await bound.CloseAsync(WebSocketCloseStatus.PolicyViolation, $"A socket takes at most {MaxCommandsPerSocket} commands; open another.");
                    break;
                }
                await CommandAsync(bound, command.Trim(), ct);
            }
            // the close was sent: the client has a grace to answer it
            if (socket.State == WebSocketState.CloseSent)
                using (var grace = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    grace.CancelAfter(CloseGrace);
                    while (await ReceiveAsync(socket, buffer, grace.Token) is not null) { }
                }
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // the client went away, did not answer the close, or the server is stopping
        }
        finally
        {
            foreach (var id in bound.Subscriptions)
                if (_bound.TryGetValue(id, out var sockets)) sockets.TryRemove(bound, out _);
            bound.Complete();
            if (socket.State == WebSocketState.CloseReceived) await bound.CloseAsync(WebSocketCloseStatus.NormalClosure, "");
            else if (socket.State != WebSocketState.Closed) bound.Abort();
            await sender;
        }
    }

    /// <summary>At the token's expiry: the close is sent; a client that has not answered it after <see cref="CloseGrace"/> is cut off.</summary>
    private async Task ExpireAsync(BoundSocket bound)
    {
        await bound.CloseAsync(WebSocketCloseStatus.PolicyViolation, "The access token expired.");
        await Task.Delay(CloseGrace, clock);
        bound.Abort();
    }

    /// <summary>A text message; "" when it was too long or not text, null when the client closed.</summary>
    private static async Task<string?> ReceiveAsync(WebSocket socket, byte[] buffer, CancellationToken ct)
    {
        var length = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(length < buffer.Length ? buffer.AsMemory(length) : new byte[1], ct);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            length += result.Count;
            if (length > buffer.Length) return ""; // refused at once, not read to its end (a frame may never end)
            if (!result.EndOfMessage) continue;
            return result.MessageType != WebSocketMessageType.Text ? "" : Encoding.UTF8.GetString(buffer, 0, length);
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
        // A socket hears what this node's own dispatcher delivers: on a node that sends nothing it would wait in silence.
        if (!settings.Dispatch) return NotDispatching;
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
    /// data); any other client but the admin only its own (<see cref="AccessPolicy.SubscriptionRestriction"/>). Judged at bind
    /// and again before every notification, as owners and tokens change.
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
        // binding takes the notifications held for it: as much a change as a rewrite, so the owner's (or the admin's)
        if (!client.IsSite && AccessPolicy.SubscriptionRestriction(client, change: true) is not null && owner.ClientId != client.ClientId)
            return $"Subscription/{id} is not client '{client.ClientId}''s: it binds only the subscriptions it owns.";
        return null;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
