using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FhirTrial.Server.Security;

/// <summary>
/// Checks a SMART backend-services client assertion (<c>private_key_jwt</c>): signed RS384 or ES384 by the client's key,
/// <c>iss</c> = <c>sub</c> = client id, <c>aud</c> = the token endpoint, <c>exp</c> at most five minutes ahead, and a
/// <c>jti</c> never seen before while the assertion is alive.
/// </summary>
public sealed class ClientAssertionValidator(AuthSettings settings, TimeProvider clock)
{
    public const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);

    private readonly JsonWebTokenHandler _handler = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);

    /// <summary>The client, or an OAuth error code with a reason.</summary>
    public async Task<(ClientRegistration? Client, string? Error)> ValidateAsync(string assertion, string tokenEndpoint)
    {
        JsonWebToken unverified;
        try { unverified = _handler.ReadJsonWebToken(assertion); }
        catch (ArgumentException) { return (null, "client_assertion is not a JWT."); }
        var clientId = unverified.Issuer;
        if (string.IsNullOrEmpty(clientId) || !settings.Clients.TryGetValue(clientId, out var client))
            return (null, "The client is not registered.");

        var result = await _handler.ValidateTokenAsync(assertion, new TokenValidationParameters
        {
            ValidIssuer = client.ClientId,
            ValidAudiences = [tokenEndpoint, settings.Issuer],
            IssuerSigningKey = client.PublicKey,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha384, SecurityAlgorithms.EcdsaSha384],
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = Skew,
            LifetimeValidator = (_, expires, _, _) => expires is { } exp && exp > clock.GetUtcNow().UtcDateTime - Skew,
        });
        if (!result.IsValid) return (null, "The client assertion is not valid (signature, issuer, audience or expiry).");
        var token = (JsonWebToken)result.SecurityToken;
        if (token.Subject != client.ClientId) return (null, "The assertion's sub must be the client id.");
        var now = clock.GetUtcNow();
        var expires = new DateTimeOffset(token.ValidTo, TimeSpan.Zero);
        if (expires - now > MaxLifetime + Skew) return (null, "The assertion's exp is more than five minutes ahead.");
        if (string.IsNullOrEmpty(token.Id)) return (null, "The assertion has no jti.");

        foreach (var (key, until) in _seen)
            if (until < now) _seen.TryRemove(key, out _);
        if (!_seen.TryAdd($"{client.ClientId}\n{token.Id}", expires + Skew)) return (null, "The assertion's jti was used before.");
        return (client, null);
    }
}
