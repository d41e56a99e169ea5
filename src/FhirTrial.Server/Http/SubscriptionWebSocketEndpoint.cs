using System.Globalization;
using FhirTrial.Fhir.Conformance;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Security;
using FhirTrial.Fhir.Subscriptions;
using FhirTrial.Server.Security;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Http.Timeouts;

namespace FhirTrial.Server.Http;

/// <summary>
/// The websocket endpoint of R4 websocket subscriptions, <c>/fhir/websocket</c>: a FHIR route like any other (the same
/// token, scopes and audit; 401 before the upgrade without a token), whose accepted socket is served by
/// <see cref="SubscriptionSockets"/>. Advertised in the CapabilityStatement by the R4 <c>capabilitystatement-websocket</c> extension.
/// </summary>
public static class SubscriptionWebSocketEndpoint
{
    public const string Path = "/fhir/websocket";

    /// <summary>The interaction the route names: opening the channel is reading Subscriptions (each bind reads its own).</summary>
    public static readonly FhirInteraction Interaction = new("websocket", AccessPolicy.Subscription);

    public static IEndpointRouteBuilder MapSubscriptionWebSocket(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, async (HttpContext http, SubscriptionSockets sockets, AccessContext context, IHostApplicationLifetime lifetime) =>
        {
            if (!http.WebSockets.IsWebSocketRequest)
                throw FhirException.BadRequest($"{Path} takes a websocket upgrade (the R4 websocket subscription channel): send 'bind {{subscription-id}}' once open.");
            var client = context.Current?.Principal ?? throw new InvalidOperationException("The websocket was opened with no access entered.");
            using var socket = await http.WebSockets.AcceptWebSocketAsync();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
            await sockets.RunAsync(socket, client, Expiry(http), stop.Token);
        })
        .AsFhirInteraction(Interaction, auditAlways: true)
        .WithMetadata(new WebSocketEndpointMetadata())
        .DisableRequestTimeout() // a socket lives as long as its token (RunAsync closes it then)
        .ExcludeFromDescription(); // described by FhirApiDescription
        return app;
    }

    /// <summary>When the access token expires (its <c>exp</c>), or null without one (developer mode).</summary>
    private static DateTimeOffset? Expiry(HttpContext http)
        => long.TryParse(http.User.FindFirst("exp")?.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
}

/// <summary>Marks an endpoint that is entered by a websocket upgrade (the security walk opens a real socket on it).</summary>
public sealed class WebSocketEndpointMetadata;

/// <summary>Tells R4 clients where the websocket channel is: the <c>capabilitystatement-websocket</c> extension on <c>rest</c>.</summary>
public sealed class WebSocketCapability : ICapabilityAmendment
{
    public const string ExtensionUrl = "http://hl7.org/fhir/StructureDefinition/capabilitystatement-websocket";

    public void Amend(CapabilityStatement statement, string baseUrl)
    {
        var url = baseUrl.TrimEnd('/') + SubscriptionWebSocketEndpoint.Path["/fhir".Length..];
        url = url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? "wss://" + url["https://".Length..]
            : url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? "ws://" + url["http://".Length..] : url;
        foreach (var rest in statement.Rest)
        {
            rest.Extension.RemoveAll(e => e.Url == ExtensionUrl);
            rest.Extension.Add(new Extension(ExtensionUrl, new FhirUrl(url)));
        }
    }
}
