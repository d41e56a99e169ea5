using System.Security.Claims;
using System.Text.Json;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Security;
using FhirTrial.Server.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FhirTrial.Server.Security;

/// <summary>The claims this server puts in its access tokens (and reads from an external issuer's).</summary>
public static class AccessClaims
{
    public const string ClientId = "client_id";
    public const string Scope = "scope";
    public const string Site = "fhirtrial_site";
    public const string Role = "fhirtrial_role";
}

/// <summary>SMART backend services: <c>POST /auth/token</c> (client_credentials with a signed client assertion) answers a short-lived access token.</summary>
public static class TokenEndpoint
{
    public const string Path = "/auth/token";

    /// <summary>The token endpoint as the request addressed it: for telling clients where it is, never for checking an assertion's aud.</summary>
    public static string Url(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}{Path}";

    public static async Task HandleAsync(HttpContext http, AuthSettings settings, ClientAssertionValidator validator, TimeProvider clock)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
        if (!http.Request.HasFormContentType)
        {
            await ErrorAsync(http, 400, "invalid_request", "The token request is a form (application/x-www-form-urlencoded).");
            return;
        }
        IFormCollection form;
        try
        {
            form = await FormBody.ReadAsync(http.Request, http.RequestAborted);
        }
        catch (FhirException e)
        {
            await ErrorAsync(http, 400, "invalid_request", e.Message);
            return;
        }
        if (form["grant_type"] != "client_credentials")
        {
            await ErrorAsync(http, 400, "unsupported_grant_type", "Only grant_type=client_credentials is supported.");
            return;
        }
        if (form["client_assertion_type"] != ClientAssertionValidator.AssertionType || string.IsNullOrEmpty(form["client_assertion"]))
        {
            await ErrorAsync(http, 400, "invalid_request", $"client_assertion_type must be {ClientAssertionValidator.AssertionType}, with a client_assertion.");
            return;
        }
        var (client, error) = await validator.ValidateAsync(form["client_assertion"].ToString(), http.RequestAborted);
        if (client is null)
        {
            await ErrorAsync(http, 401, "invalid_client", error!);
            return;
        }
        var granted = client.Scopes.Narrow(SmartScopes.Parse(form["scope"]));
        if (granted.Grants.Count == 0)
        {
            await ErrorAsync(http, 400, "invalid_scope", "None of the requested scopes is allowed for this client (ask for e.g. system/Observation.rs).");
            return;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var claims = new List<Claim>
        {
            new(JwtRegisteredClaimNames.Sub, client.ClientId),
            new(AccessClaims.ClientId, client.ClientId),
            new(AccessClaims.Scope, granted.ToString()),
            new(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N")),
            client.Site is { } site ? new Claim(AccessClaims.Site, site) : new Claim(AccessClaims.Role, client.Role.ToString().ToLowerInvariant()),
        };
        var key = settings.SigningKeys[0];
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + settings.TokenLifetime,
            Subject = new ClaimsIdentity(claims),
            SigningCredentials = new SigningCredentials(key, AuthSettings.AlgorithmOf(key)),
        });
        http.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(http.Response.Body, new Dictionary<string, object>
        {
            ["access_token"] = token,
            ["token_type"] = "bearer",
            ["expires_in"] = (int)settings.TokenLifetime.TotalSeconds,
            ["scope"] = granted.ToString(),
        }, cancellationToken: http.RequestAborted);
    }

    private static async Task ErrorAsync(HttpContext http, int status, string error, string description)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(http.Response.Body, new Dictionary<string, string>
        {
            ["error"] = error,
            ["error_description"] = description,
        }, cancellationToken: http.RequestAborted);
    }
}
