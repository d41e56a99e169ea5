using System.Net;

namespace FhirTrial.Fhir.Subscriptions;

/// <summary>Where the server may send notifications: an absolute http(s) URL under one of the allowed prefixes (or,
/// in developer mode, on this machine). Checked when a subscription is written and again before each delivery.</summary>
public static class EndpointPolicy
{
    /// <summary>Why <paramref name="endpoint"/> is refused, or null when it is allowed.</summary>
    public static string? Refusal(string? endpoint, SubscriptionSettings settings)
    {
        if (string.IsNullOrWhiteSpace(endpoint)) return "A rest-hook subscription needs channel.endpoint.";
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return $"channel.endpoint '{endpoint}' is not an absolute http or https URL.";
        if (uri.UserInfo.Length > 0) return "channel.endpoint may not carry credentials in the URL; use channel.header.";
        if (settings.AllowLoopback && IsLoopback(uri)) return null;
        if (settings.AllowedEndpoints.Any(prefix => Under(endpoint, prefix))) return null;
        return $"channel.endpoint '{endpoint}' is not under an allowed prefix (Subscriptions:AllowedEndpoints).";
    }

    /// <summary>A prefix match that ends at a boundary: <c>https://a.example</c> allows <c>https://a.example/hook</c>, not
    /// <c>https://a.example.evil.org</c>.</summary>
    private static bool Under(string endpoint, string prefix)
    {
        if (prefix.Length == 0 || !endpoint.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return false;
        if (endpoint.Length == prefix.Length || prefix[^1] is '/' or '?' or '=' or '&') return true;
        return endpoint[prefix.Length] is '/' or '?' or '#';
    }

    private static bool IsLoopback(Uri uri)
        => uri.IsLoopback || (IPAddress.TryParse(uri.IdnHost, out var address) && IPAddress.IsLoopback(address));
}
