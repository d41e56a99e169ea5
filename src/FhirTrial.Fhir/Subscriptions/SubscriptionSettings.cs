namespace FhirTrial.Fhir.Subscriptions;

/// <summary>How subscriptions are accepted and delivered (<c>Subscriptions:*</c>).</summary>
public sealed record SubscriptionSettings
{
    /// <summary>URL prefixes a channel endpoint must start with (<c>Subscriptions:AllowedEndpoints</c>).</summary>
    public IReadOnlyList<string> AllowedEndpoints { get; init; } = [];

    /// <summary>Loopback endpoints are allowed besides (developer mode: the server itself answers loopback only).</summary>
    public bool AllowLoopback { get; init; }

    /// <summary>Failed attempts after which a subscription turns <c>error</c>.</summary>
    public int MaxAttempts { get; init; } = 6;

    /// <summary>Wait after the first failure; doubled after each further one, up to <see cref="RetryCap"/>.</summary>
    public TimeSpan RetryBase { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan RetryCap { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How often the outbox is looked at when no write signalled it.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan DeliveryTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>False on a node that must not send (the outbox still fills; another node delivers).</summary>
    public bool Dispatch { get; init; } = true;

    /// <summary>The server's FHIR base as receivers should see it, for the notification's full URLs.</summary>
    public string PublicBase { get; init; } = "http://127.0.0.1:8080/fhir";

    /// <summary>How long a websocket subscription's notification waits for a socket to be bound before it is dropped
    /// (<c>Subscriptions:WebSocketHoldSeconds</c>): a client that reconnects within it, after a restart too, hears what it missed.</summary>
    public TimeSpan WebSocketHold { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How often held websocket notifications are offered again (a bind on this node offers them at once; a bind on
    /// another node waits for this).</summary>
    public TimeSpan WebSocketRecheck { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The wait before attempt <paramref name="failures"/> + 1: exponential, capped.</summary>
    public TimeSpan Backoff(int failures)
    {
        var factor = Math.Pow(2, Math.Clamp(failures - 1, 0, 30));
        var wait = TimeSpan.FromTicks((long)Math.Min(RetryBase.Ticks * factor, RetryCap.Ticks));
        return wait;
    }
}
