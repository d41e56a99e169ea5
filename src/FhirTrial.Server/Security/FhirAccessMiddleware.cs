using System.Security.Claims;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Security;
using FhirTrial.Fhir.Storage;

namespace FhirTrial.Server.Security;

/// <summary>
/// Runs after routing and authentication, before authorization: for an endpoint that is a FHIR route (its
/// <see cref="FhirRouteMetadata"/>), enters the request's access (the principal from the token's claims, the anonymous
/// developer, or an unauthenticated caller who may do nothing) for the authorization handler, the store and the audit,
/// and on the way out writes the AuditEvents the request's writes did not cover, refusals included.
/// </summary>
public sealed class FhirAccessMiddleware(RequestDelegate next, AuthSettings settings, AccessContext context, IFhirStore store,
    ILogger<FhirAccessMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<FhirRouteMetadata>() is not { } route)
        {
            await next(http);
            return;
        }
        var interaction = route.Classify(http);
        var principal = Principal(http, out var denial);
        if (denial is not null) http.Features.Set(new FhirDenial(denial));

        var query = http.Request.QueryString.Value?.TrimStart('?');
        var access = new RequestAccess(principal, interaction, http.Connection.RemoteIpAddress?.ToString(), string.IsNullOrEmpty(query) ? null : query);
        using var entered = context.Enter(access);
        int status;
        try
        {
            await next(http);
            status = http.Response.StatusCode;
        }
        catch (FhirException e)
        {
            await AuditAsync(access, route, (int)e.Status);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await AuditAsync(access, route, 500);
            throw;
        }
        await AuditAsync(access, route, status);
    }

    private AccessPrincipal Principal(HttpContext http, out FhirException? denial)
    {
        denial = null;
        if (!settings.Enabled) return AccessPrincipal.Anonymous;
        if (http.User.Identity?.IsAuthenticated != true) return AccessPrincipal.Unauthenticated(http.Request.Headers.Authorization.Count > 0);
        var principal = PrincipalOf(http.User, settings);
        if (principal.Role == StudyRole.Unauthenticated)
            denial = GuardedFhirStore.Forbidden($"Client '{principal.ClientId}' is bound to no site and no study role.");
        return principal;
    }

    /// <summary>Audits what the request's writes did not: its reads (a count included), its Bundle's read entries, and
    /// every refusal (401, 403, 405, a write that failed, another site's resource withheld).</summary>
    private async Task AuditAsync(RequestAccess access, FhirRouteMetadata route, int status)
    {
        var refused = status is 401 or 403 or 405 || access.Interaction.IsWrite && status >= 400 || access.Hidden.Count > 0;
        var requestItself = refused || route.AuditAlways || access.ReadBeyondWrites
            || !access.WriteAudited && (access.TouchedPatientData || access.Interaction.ConcernsPatientData);
        if (!requestItself && access.Entries.Count == 0) return;
        if (store is not GuardedFhirStore guarded) return;
        try
        {
            await guarded.AuditAsync(access, status, requestItself, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Could not write the AuditEvent of a {Interaction} by {Client}", access.Interaction.Code, access.Principal.ClientId);
            throw;
        }
    }

    /// <summary>Who a validated token speaks for. The client id is what audit records and what owns subscriptions and
    /// export jobs, so a token that names none, or one of the server's own names, is refused (fail closed).</summary>
    public static AccessPrincipal PrincipalOf(ClaimsPrincipal user, AuthSettings settings)
    {
        var clientId = user.FindFirst(AccessClaims.ClientId)?.Value ?? user.FindFirst("azp")?.Value ?? user.FindFirst("sub")?.Value;
        if (string.IsNullOrWhiteSpace(clientId) || AccessPrincipal.IsReservedClientId(clientId)) return AccessPrincipal.Unauthenticated(presentedToken: true);
        var scopeText = string.Join(" ", user.FindAll(AccessClaims.Scope).Concat(user.FindAll("scp")).Select(c => c.Value));
        var scopes = SmartScopes.Parse(scopeText);
        settings.Clients.TryGetValue(clientId, out var registration);
        if (registration is not null) scopes = registration.Scopes.Narrow(scopes);
        var site = user.FindFirst(AccessClaims.Site)?.Value ?? (registration?.Role == StudyRole.Site ? registration.Site : null);
        if (site is not null) return new AccessPrincipal(clientId, StudyRole.Site, site, scopes);
        var roleText = user.FindFirst(AccessClaims.Role)?.Value;
        if (roleText is not null && AccessPrincipal.TryParseRole(roleText, out var role)) return new AccessPrincipal(clientId, role, null, scopes);
        if (registration is not null) return new AccessPrincipal(clientId, registration.Role, null, scopes);
        return new AccessPrincipal(clientId, StudyRole.Unauthenticated, null, SmartScopes.None);
    }
}
