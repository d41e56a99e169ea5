using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using FhirTrial.Fhir.Conformance;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Indexing;
using FhirTrial.Fhir.Security;
using FhirTrial.Fhir.Storage;
using FhirTrial.Server.Http;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.Tokens;

namespace FhirTrial.Server.Security;

/// <summary>
/// Wires authentication (SMART backend services), authorization by role, scope and site, the audit trail, rate limits
/// and timeouts. Call <see cref="AddFhirSecurity"/> after the store is registered, and <see cref="UseFhirSecurity"/>
/// after the error middleware and before the FHIR routes.
/// </summary>
public static class SecurityServices
{
    public static IServiceCollection AddFhirSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = AuthSettings.From(configuration);
        services.AddSingleton(settings);
        services.AddSingleton<AccessContext>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ClientAssertionValidator>();
        services.AddSingleton<SmartConfiguration>();
        services.AddSingleton<ICapabilityAmendment>(sp => sp.GetRequiredService<SmartConfiguration>());
        DecorateStore(services);
        services.AddFhirAuthorization(settings);

        if (settings.Enabled)
        {
            services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
            {
                o.MapInboundClaims = false;
                if (settings.Authority is { } authority)
                {
                    o.Authority = authority;
                    o.RequireHttpsMetadata = !authority.StartsWith("http://localhost", StringComparison.OrdinalIgnoreCase)
                        && !authority.StartsWith("http://127.0.0.1", StringComparison.Ordinal);
                }
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuers = new[] { settings.Issuer, settings.Authority }.OfType<string>().ToList(),
                    ValidAudience = settings.Audience,
                    IssuerSigningKeys = settings.SigningKeys,
                    ValidateIssuerSigningKey = true,
                    RequireExpirationTime = true,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    NameClaimType = AccessClaims.ClientId,
                    RoleClaimType = AccessClaims.Role,
                };
            });
        }

        var timeout = TimeSpan.FromSeconds(configuration.GetValue<int?>("Limits:RequestTimeoutSeconds") ?? 300);
        services.AddRequestTimeouts(o => o.DefaultPolicy = new RequestTimeoutPolicy
        {
            Timeout = timeout,
            TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable,
            WriteTimeoutResponse = http => FhirResponses.WriteResourceAsync(http, StatusCodes.Status503ServiceUnavailable,
                Outcomes.Single(OperationOutcome.IssueSeverity.Error, OperationOutcome.IssueType.Timeout,
                    $"The request took longer than {timeout.TotalSeconds:0} seconds and was stopped.")),
        });

        var perMinute = configuration.GetValue<int?>("Limits:RequestsPerMinute") ?? (settings.Enabled ? 1200 : (int?)null);
        if (perMinute is int limit)
            services.AddRateLimiter(o =>
            {
                o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http => Partition(http, settings, limit));
                o.OnRejected = RejectedAsync;
            });
        return services;
    }

    /// <summary>Routing, then authentication, rate limits, the request's access and audit, and authorization of the matched
    /// endpoint (so whatever the router matched is judged by that endpoint's own metadata), then timeouts.</summary>
    public static WebApplication UseFhirSecurity(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<AuthSettings>();
        app.UseRouting();
        if (settings.Enabled)
        {
            if (settings.EphemeralKeys)
                app.Logger.LogWarning("Auth: no Auth:SigningKeys configured; signing access tokens with a key made up at start (tokens end with the process).");
            app.Logger.LogInformation("Auth on: {Clients} clients configured{Authority}", settings.Clients.Count,
                settings.Authority is null ? "" : ", tokens from " + settings.Authority);
            app.UseAuthentication();
        }
        if (app.Services.GetService<Microsoft.Extensions.Options.IOptions<RateLimiterOptions>>()?.Value.GlobalLimiter is not null)
            app.UseRateLimiter();
        app.UseMiddleware<FhirAccessMiddleware>();
        app.UseAuthorization();
        app.UseRequestTimeouts();

        if (settings.Enabled)
        {
            var smart = app.Services.GetRequiredService<SmartConfiguration>();
            app.MapGet("/.well-known/smart-configuration", smart.WriteAsync).AllowAnonymous();
            app.MapGet("/fhir/.well-known/smart-configuration", smart.WriteAsync).AllowAnonymous();
            if (settings.IssuesTokens)
            {
                app.MapPost(TokenEndpoint.Path, TokenEndpoint.HandleAsync).DisableAntiforgery().AllowAnonymous();
                app.MapGet("/auth/jwks", smart.WriteKeysAsync).AllowAnonymous();
            }
        }
        return app;
    }

    /// <summary>Puts <see cref="GuardedFhirStore"/> in front of whatever store was registered.</summary>
    private static void DecorateStore(IServiceCollection services)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IFhirStore))
            ?? throw new InvalidOperationException("AddFhirSecurity needs a store: call AddFhirStore first.");
        services.Remove(registered);
        services.AddSingleton<IFhirStore>(sp =>
        {
            var inner = registered.ImplementationInstance as IFhirStore
                ?? registered.ImplementationFactory?.Invoke(sp) as IFhirStore
                ?? (IFhirStore)ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!);
            return new GuardedFhirStore(inner, sp.GetRequiredService<AccessContext>(), sp.GetRequiredService<IndexExtractor>());
        });
    }

    private static RateLimitPartition<string> Partition(HttpContext http, AuthSettings settings, int defaultLimit)
    {
        var clientId = http.User.Identity?.IsAuthenticated == true ? http.User.FindFirst(AccessClaims.ClientId)?.Value : null;
        var tokenRequest = http.Request.Path.StartsWithSegments(TokenEndpoint.Path);
        var key = clientId is not null ? "client:" + clientId : (tokenRequest ? "token:" : "address:") + http.Connection.RemoteIpAddress;
        var limit = clientId is not null && settings.Clients.TryGetValue(clientId, out var client) && client.RequestsPerMinute is int own
            ? own : defaultLimit;
        return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, limit),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static async ValueTask RejectedAsync(OnRejectedContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 60;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await FhirResponses.WriteResourceAsync(http, (int)HttpStatusCode.TooManyRequests, Outcomes.Single(OperationOutcome.IssueSeverity.Error,
            OperationOutcome.IssueType.Throttled, $"Too many requests from this client; try again in {seconds} seconds."));
    }
}
