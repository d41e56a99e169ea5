using FhirTrial.Fhir.Storage;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FhirTrial.Server.Security;

/// <summary>
/// Checks a SMART backend-services client assertion (<c>private_key_jwt</c>): signed RS384 or ES384 by the client's key,
/// <c>iss</c> = <c>sub</c> = client id, <c>aud</c> = this server's token endpoint as configured (never the request's Host),
/// <c>exp</c> at most five minutes ahead, <c>iat</c> and <c>nbf</c> not in the future and not after <c>exp</c>, and a
/// <c>jti</c> never used before while the assertion is alive, remembered in the database across restarts.
/// </summary>
public sealed class ClientAssertionValidator(AuthSettings settings, TokenAudiences audiences, IUsedTokenStore usedTokens, TimeProvider clock)
{
    public const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);

    private readonly JsonWebTokenHandler _handler = new();

    /// <summary>The client, or the reason the assertion is refused (an OAuth <c>invalid_client</c>).</summary>
    public async Task<(ClientRegistration? Client, string? Error)> ValidateAsync(string assertion, CancellationToken ct)
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
            ValidAudiences = audiences.TokenEndpoints,
            IssuerSigningKey = client.PublicKey,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha384, SecurityAlgorithms.EcdsaSha384],
            RequireSignedTokens = true,
            ValidateLifetime = false, // checked below against the injected clock, with reasons
        });
        if (!result.IsValid) return (null, "The client assertion is not valid (signature, issuer or audience).");
        var token = (JsonWebToken)result.SecurityToken;
        if (token.Subject != client.ClientId) return (null, "The assertion's sub must be the client id.");
        if (LifetimeError(token, clock.GetUtcNow()) is { } lifetimeError) return (null, lifetimeError);
        if (string.IsNullOrEmpty(token.Id)) return (null, "The assertion has no jti.");

        var expires = new DateTimeOffset(token.ValidTo, TimeSpan.Zero);
        if (!await usedTokens.TryUseAsync(client.ClientId, token.Id, expires + Skew, clock.GetUtcNow(), ct))
            return (null, "The assertion's jti was used before.");
        return (client, null);
    }

    /// <summary>Why the assertion's <c>exp</c>, <c>iat</c> or <c>nbf</c> makes it unusable now, or null.</summary>
    private static string? LifetimeError(JsonWebToken token, DateTimeOffset now)
    {
        // Absent claims read as DateTime.MinValue.
        if (!token.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Exp, out _)) return "The assertion has no exp.";
        var expires = new DateTimeOffset(token.ValidTo, TimeSpan.Zero);
        if (expires <= now - Skew) return "The assertion has expired.";
        if (expires - now > MaxLifetime + Skew) return "The assertion's exp is more than five minutes ahead.";
        if (token.IssuedAt != DateTime.MinValue)
        {
            var issued = new DateTimeOffset(token.IssuedAt, TimeSpan.Zero);
            if (issued > now + Skew) return "The assertion's iat is in the future.";
            if (issued > expires) return "The assertion's iat is after its exp.";
        }
        if (token.ValidFrom != DateTime.MinValue)
        {
            var notBefore = new DateTimeOffset(token.ValidFrom, TimeSpan.Zero);
            if (notBefore > expires) return "The assertion's nbf is after its exp.";
            if (notBefore > now + Skew) return "The assertion's nbf is in the future.";
        }
        return null;
    }
}
