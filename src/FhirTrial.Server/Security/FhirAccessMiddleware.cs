using System.Net;
using System.Security.Claims;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Security;
using FhirTrial.Fhir.Storage;
using FhirTrial.Server.Http;
using Hl7.Fhir.Model;

namespace FhirTrial.Server.Security;

/// <summary>
/// The gate in front of <c>/fhir</c>: 401 without a valid token (auth on), the principal from the token's claims (or the
/// anonymous developer), 403 when the role or scopes forbid the interaction, the request's access entered for the store
/// to filter and audit by, and the AuditEvent of a request that did not write one with its changes.
/// </summary>
public sealed class FhirAccessMiddleware(RequestDelegate next, AuthSettings settings, AccessContext context, IFhirStore store,
    ILogger<FhirAccessMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        var interaction = path.StartsWith("/fhir/.well-known/", StringComparison.Ordinal) ? null
            : FhirRequestClassifier.Classify(http.Request.Method, path);
        if (interaction is null || interaction.Code == "capabilities")
        {
            await next(http);
            return;
        }

        AccessPrincipal principal;
        if (!settings.Enabled) principal = AccessPrincipal.Anonymous;
        else if (http.User.Identity?.IsAuthenticated != true)
        {
            await UnauthorizedAsync(http);
            return;
        }
        else principal = PrincipalOf(http.User);

        var query = http.Request.QueryString.Value?.TrimStart('?');
        var access = new RequestAccess(principal, interaction, http.Connection.RemoteIpAddress?.ToString(), string.IsNullOrEmpty(query) ? null : query);
        using var entered = context.Enter(access);
        int status;
        try
        {
            await AuthorizeAsync(principal, interaction, http.RequestAborted);
            await next(http);
            status = http.Response.StatusCode;
        }
        catch (FhirException e)
        {
            await AuditAsync(access, (int)e.Status);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await AuditAsync(access, 500);
            throw;
        }
        await AuditAsync(access, status);
    }

    private async Task AuditAsync(RequestAccess access, int status)
    {
        if (access.WriteAudited || status == 401) return;
        var refused = status is 403 or 405 || access.Interaction.IsWrite && status >= 400;
        if (!access.TouchedPatientData && !refused) return;
        if (store is not GuardedFhirStore guarded) return;
        try
        {
            await guarded.AuditAsync(access, status, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Could not write the AuditEvent of a {Interaction} by {Client}", access.Interaction.Code, access.Principal.ClientId);
            throw;
        }
    }

    private async Task AuthorizeAsync(AccessPrincipal p, FhirInteraction i, CancellationToken ct)
    {
        var type = i.Type is { } t && ModelInfo.IsKnownResource(t) ? t : null;
        if (type == AccessPolicy.AuditEvent && i.Code is "update" or "patch" or "delete")
            throw FhirException.MethodNotAllowed("AuditEvents are never changed or deleted.");
        var allowed = i.Code switch
        {
            "read" or "vread" or "history-instance" => type is null || AccessPolicy.MayRead(p, type, 'r'),
            "search-type" or "history-type" => type is null || AccessPolicy.MayRead(p, type, 's'),
            "search-system" or "history-system" => p.Scopes.Grants.Any(g => g.Permissions.Contains('s')),
            "create" => type is null || AccessPolicy.MayWrite(p, type, 'c', false),
            "update" => type is null || AccessPolicy.MayWrite(p, type, 'u', false) || AccessPolicy.MayWrite(p, type, 'c', false),
            "patch" => type is null || AccessPolicy.MayWrite(p, type, 'u', false),
            "delete" => type is null || AccessPolicy.MayWrite(p, type, 'd', false),
            "transaction" => true, // every entry is checked in the transaction
            "operation" => AccessPolicy.MayRunOperation(p, i.Operation!, type, i.Id),
            _ => true,
        };
        if (!allowed)
            throw GuardedFhirStore.Forbidden($"Client '{p.ClientId}' ({(p.Site is null ? p.RoleCode : "site " + p.Site)}) may not {Describe(i)}.");
        // An operation on one resource runs only on a resource the client can see (404 otherwise, as for a read).
        if (i.Code == "operation" && type is not null && i.Id is not null && p.IsSite && await store.ReadAsync(type, i.Id, ct) is null)
            throw FhirException.NotFound($"{type}/{i.Id} is not known.");
    }

    private static string Describe(FhirInteraction i)
        => i.Operation is { } op ? $"run ${op}{(i.Type is null ? "" : " on " + i.Type)}" : $"{i.Code} {i.Type ?? "across types"}";

    private AccessPrincipal PrincipalOf(ClaimsPrincipal user)
    {
        var clientId = user.FindFirst(AccessClaims.ClientId)?.Value ?? user.FindFirst("azp")?.Value ?? user.FindFirst("sub")?.Value ?? "unknown";
        var scopeText = string.Join(" ", user.FindAll(AccessClaims.Scope).Concat(user.FindAll("scp")).Select(c => c.Value));
        var scopes = SmartScopes.Parse(scopeText);
        settings.Clients.TryGetValue(clientId, out var registration);
        if (registration is not null) scopes = registration.Scopes.Narrow(scopes);
        var site = user.FindFirst(AccessClaims.Site)?.Value ?? (registration?.Role == StudyRole.Site ? registration.Site : null);
        if (site is not null) return new AccessPrincipal(clientId, StudyRole.Site, site, scopes);
        var roleText = user.FindFirst(AccessClaims.Role)?.Value;
        if (roleText is not null && AccessPrincipal.TryParseRole(roleText, out var role)) return new AccessPrincipal(clientId, role, null, scopes);
        if (registration is not null) return new AccessPrincipal(clientId, registration.Role, null, scopes);
        throw GuardedFhirStore.Forbidden($"Client '{clientId}' is bound to no site and no study role.");
    }

    private static async Task UnauthorizedAsync(HttpContext http)
    {
        var presented = http.Request.Headers.Authorization.Count > 0;
        http.Response.Headers.WWWAuthenticate = presented ? "Bearer error=\"invalid_token\"" : "Bearer realm=\"fhirtrial\"";
        await FhirResponses.WriteResourceAsync(http, (int)HttpStatusCode.Unauthorized, Outcomes.Single(OperationOutcome.IssueSeverity.Error,
            OperationOutcome.IssueType.Login, presented
                ? "The access token is missing, expired or not valid for this server."
                : "This server needs a bearer access token (SMART backend services: see /.well-known/smart-configuration)."));
    }
}
