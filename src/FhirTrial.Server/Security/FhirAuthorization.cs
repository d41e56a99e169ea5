using System.Net;
using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Security;
using FhirTrial.Fhir.Storage;
using FhirTrial.Server.Http;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace FhirTrial.Server.Security;

/// <summary>
/// Authorization of FHIR routes, evaluated by ASP.NET Core's authorization middleware after routing: the policy
/// <see cref="Policy"/> carries one <see cref="FhirAccessRequirement"/>, judged against the interaction the matched
/// endpoint's <see cref="FhirRouteMetadata"/> names and the caller's role and SMART scopes.
/// </summary>
public static class FhirAuthorization
{
    public const string Policy = "fhir-interaction";

    public static IServiceCollection AddFhirAuthorization(this IServiceCollection services, AuthSettings settings)
    {
        services.AddSingleton<IAuthorizationHandler, FhirAccessHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, FhirAuthorizationResultHandler>();
        services.AddAuthorization(o =>
        {
            o.AddPolicy(Policy, p => p.AddRequirements(new FhirAccessRequirement()));
            // With Auth on, an endpoint that says nothing about access needs a valid token: a route added later is not open.
            if (settings.Enabled) o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        });
        return services;
    }
}

/// <summary>The caller may perform the FHIR interaction of the matched route.</summary>
public sealed class FhirAccessRequirement : IAuthorizationRequirement;

/// <summary>Why a FHIR request was refused (403, 404 or 405), kept on the request for the result handler to answer.</summary>
public sealed record FhirDenial(FhirException Exception);

/// <summary>Judges <see cref="FhirAccessRequirement"/>: fails closed when the route names no interaction or no access was
/// entered for the request; refuses what the role or scopes forbid.</summary>
public sealed class FhirAccessHandler(AccessContext context, IFhirStore store, IEnumerable<IFhirOperation> operations)
    : AuthorizationHandler<FhirAccessRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext authorization, FhirAccessRequirement requirement)
    {
        if (authorization.Resource is not HttpContext http || context.Current is not { } access
            || http.GetEndpoint()?.Metadata.GetMetadata<FhirRouteMetadata>() is null)
        {
            authorization.Fail();
            return;
        }
        if (http.Features.Get<FhirDenial>() is not null || access.Principal.Role == StudyRole.Unauthenticated)
        {
            authorization.Fail();
            return;
        }
        var denial = await DenialAsync(access.Principal, access.Interaction, http.RequestAborted);
        if (denial is null)
        {
            authorization.Succeed(requirement);
            return;
        }
        http.Features.Set(new FhirDenial(denial));
        authorization.Fail(new AuthorizationFailureReason(this, denial.Message));
    }

    /// <summary>Why an authenticated principal may not do this (an unauthenticated one was refused before), or null.</summary>
    private async Task<FhirException?> DenialAsync(AccessPrincipal p, FhirInteraction i, CancellationToken ct)
    {
        var type = i.Type;
        if (type is not null && !ResourceService.IsResourceType(type))
            return FhirException.NotFound($"'{type}' is not a FHIR R4 resource type.");
        if (type == AccessPolicy.AuditEvent && i.Code is "update" or "patch" or "delete")
            return FhirException.MethodNotAllowed("AuditEvents are never changed or deleted.");
        var allowed = i.Code switch
        {
            "read" or "vread" or "history-instance" => type is not null && AccessPolicy.MayRead(p, type, 'r'),
            "search-type" or "history-type" => type is not null && AccessPolicy.MayRead(p, type, 's'),
            "search-system" or "history-system" => p.Scopes.Grants.Any(g => g.Permissions.Contains('s')),
            "create" => type is not null && AccessPolicy.MayWrite(p, type, 'c', false),
            "update" => type is not null && (AccessPolicy.MayWrite(p, type, 'u', false) || AccessPolicy.MayWrite(p, type, 'c', false)),
            "patch" => type is not null && AccessPolicy.MayWrite(p, type, 'u', false),
            "delete" => type is not null && AccessPolicy.MayWrite(p, type, 'd', false),
            "transaction" => true, // every entry is checked in the store transaction
            "operation" => i.Operation is not null && AccessPolicy.MayRunOperation(p, i.Operation, type, i.Id),
            "export-job" => true, // the job's owner is checked by the export service
            "websocket" => type is not null && AccessPolicy.MayRead(p, type, 'r'), // each bind reads its Subscription besides
            "none" => true, // the route answers 404 itself
            _ => false,
        };
        if (!allowed)
            return GuardedFhirStore.Forbidden($"Client '{p.ClientId}' ({(p.Site is null ? p.RoleCode : "site " + p.Site)}) may not {Describe(i)}.");
        // An operation on one resource runs only on a resource the client can see (404 otherwise, as for a read).
        if (i.Code == "operation" && type is not null && i.Id is not null && p.IsSite
            && operations.Any(o => o.Info.Name == i.Operation) && await store.ReadAsync(type, i.Id, ct) is null)
            return FhirException.NotFound($"{type}/{i.Id} is not known.");
        return null;
    }

    private static string Describe(FhirInteraction i)
        => i.Operation is { } op ? $"run ${op}{(i.Type is null ? "" : " on " + i.Type)}" : $"{i.Code} {i.Type ?? "across types"}";
}

/// <summary>Answers a refused request as FHIR does: 401 with <c>WWW-Authenticate</c>, or the denial's status, each an OperationOutcome.</summary>
public sealed class FhirAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    public async Task HandleAsync(RequestDelegate next, HttpContext http, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (result.Succeeded)
        {
            await next(http);
            return;
        }
        if (http.Features.Get<FhirDenial>() is { } denial) throw denial.Exception;
        if (result.Challenged || http.User.Identity?.IsAuthenticated != true)
        {
            await UnauthorizedAsync(http);
            return;
        }
        throw GuardedFhirStore.Forbidden("This client may not use this endpoint.");
    }

    public static async Task UnauthorizedAsync(HttpContext http)
    {
        var presented = http.Request.Headers.Authorization.Count > 0;
        http.Response.Headers.WWWAuthenticate = presented ? "Bearer error=\"invalid_token\"" : "Bearer realm=\"fhirtrial\"";
        await FhirResponses.WriteResourceAsync(http, (int)HttpStatusCode.Unauthorized, Outcomes.Single(OperationOutcome.IssueSeverity.Error,
            OperationOutcome.IssueType.Login, presented
                ? "The access token is missing, expired or not valid for this server."
                : "This server needs a bearer access token (SMART backend services: see /.well-known/smart-configuration)."));
    }
}
