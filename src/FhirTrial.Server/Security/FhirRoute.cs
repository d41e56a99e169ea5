using FhirTrial.Fhir.Security;

namespace FhirTrial.Server.Security;

/// <summary>
/// Endpoint metadata of a FHIR route: how a request matched to it names its FHIR interaction. Protection hangs on this
/// metadata, read after routing, so whatever path the router matched (any letter case, any spelling it accepts) is guarded
/// the same way; nothing compares path strings.
/// </summary>
public sealed class FhirRouteMetadata(Func<HttpContext, FhirInteraction> classify, bool auditAlways)
{
    /// <summary>True for routes whose every call is audited, even when it reads no resource (bulk export jobs and files).</summary>
    public bool AuditAlways => auditAlways;

    public FhirInteraction Classify(HttpContext http) => classify(http);
}

/// <summary>Declares routes as FHIR interactions: authorization policy <see cref="FhirAuthorization.Policy"/> plus the metadata.</summary>
public static class FhirRoute
{
    public static TBuilder AsFhirInteraction<TBuilder>(this TBuilder builder, Func<HttpContext, FhirInteraction> classify, bool auditAlways = false)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new FhirRouteMetadata(classify, auditAlways));
        builder.RequireAuthorization(FhirAuthorization.Policy);
        return builder;
    }

    public static TBuilder AsFhirInteraction<TBuilder>(this TBuilder builder, FhirInteraction fixedInteraction, bool auditAlways = false)
        where TBuilder : IEndpointConventionBuilder
        => builder.AsFhirInteraction(_ => fixedInteraction, auditAlways);

    /// <summary>A route value as the router matched it (original case), or null.</summary>
    public static string? Value(this HttpContext http, string name) => http.Request.RouteValues[name] as string;

    /// <summary>A segment that names an operation (<c>$name</c>): the name; otherwise null.</summary>
    public static string? OperationName(string? segment) => segment is ['$', .. var name] ? name : null;
}
