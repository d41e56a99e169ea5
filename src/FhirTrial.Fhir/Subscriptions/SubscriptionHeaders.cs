using System.Text.Json.Nodes;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Security;
using FhirTrial.Fhir.Storage;

namespace FhirTrial.Fhir.Subscriptions;

/// <summary>
/// <c>channel.header</c> values are write-only: they carry the owner's credentials for its endpoint, and a Subscription is
/// read by more than its owner (its site's other clients, a monitor, the admin), so every read shows each header's name
/// with <see cref="Withheld"/> for its value; only the server's own work (delivery) sees the values. A write that sends a
/// header back as read keeps the stored value, as long as the endpoint it goes to is the same.
/// </summary>
public static class SubscriptionHeaders
{
    public const string Withheld = "[withheld]";

    /// <summary>The version as a reader other than the server sees it.</summary>
    public static StoredResource Withhold(StoredResource stored)
    {
        if (stored.Type != AccessPolicy.Subscription || stored.Deleted) return stored;
        var json = Withhold(stored.Json);
        return ReferenceEquals(json, stored.Json) ? stored : stored with { Json = json };
    }

    public static string Withhold(string json)
    {
        if (!json.Contains("\"header\"", StringComparison.Ordinal)) return json;
        var root = JsonNode.Parse(json);
        if (root?["channel"]?["header"] is not JsonArray headers) return json;
        var changed = false;
        for (int i = 0; i < headers.Count; i++)
        {
            if (headers[i] is not JsonValue value || !value.TryGetValue<string>(out var header)) continue;
            var colon = header.IndexOf(':');
            var shown = colon > 0 ? $"{header[..colon]}: {Withheld}" : Withheld;
            if (shown == header) continue;
            headers[i] = shown;
            changed = true;
        }
        return changed ? root.ToJsonString() : json;
    }

    /// <summary>
    /// The JSON to store for a Subscription written as <paramref name="json"/>: each header sent with the value
    /// <see cref="Withheld"/> (as read) takes the value stored under its name in <paramref name="currentJson"/> (the current
    /// version, null when there is none). Refused (422) when there is no such value, or when <c>channel.endpoint</c>
    /// changed: a credential given for one endpoint is never sent to another that its owner did not name it for.
    /// </summary>
    public static string Restore(string json, string? currentJson)
    {
        if (!json.Contains(Withheld, StringComparison.Ordinal)) return json;
        var root = JsonNode.Parse(json);
        if (root?["channel"] is not JsonObject channel || channel["header"] is not JsonArray headers) return json;
        var current = currentJson is null ? null : JsonNode.Parse(currentJson)?["channel"] as JsonObject;
        var changed = false;
        for (int i = 0; i < headers.Count; i++)
        {
            if (headers[i] is not JsonValue value || !value.TryGetValue<string>(out var header)) continue;
            var colon = header.IndexOf(':');
            if (colon <= 0 || header[(colon + 1)..].Trim() != Withheld) continue;
            var name = header[..colon].Trim();
            if (current is null)
                throw Refused($"channel.header '{name}' is sent as {Withheld}, but there is no stored value to keep: send the value itself.");
            if (Text(channel["endpoint"]) != Text(current["endpoint"]))
                throw Refused($"channel.header '{name}' is sent as {Withheld}, but channel.endpoint changed: send the value again for the new endpoint.");
            var kept = (current["header"] as JsonArray ?? []).Select(Text)
                .FirstOrDefault(h => h is not null && h.IndexOf(':') is > 0 and var c && string.Equals(h[..c].Trim(), name, StringComparison.OrdinalIgnoreCase)
                    && h[(c + 1)..].Trim() != Withheld)
                ?? throw Refused($"channel.header '{name}' is sent as {Withheld}, but no value is stored under that name: send the value itself.");
            headers[i] = kept;
            changed = true;
        }
        return changed ? root.ToJsonString() : json;
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static FhirException Refused(string message) => FhirException.Unprocessable(message, "Subscription.channel.header");
}
