using Scalar.AspNetCore;

namespace FhirTrial.Server.Docs;

/// <summary>The OpenAPI document at <c>/openapi/v1.json</c> and the Scalar reference page at <c>/docs</c>.</summary>
public static class DocsServices
{
    public const string DocumentName = "v1";
    public const string OpenApiRoute = "/openapi/{documentName}.json";

    public static IServiceCollection AddFhirOpenApi(this IServiceCollection services)
    {
        services.AddSingleton<FhirApiDescription>();
        services.AddOpenApi(DocumentName, options =>
        {
            // The FHIR routes are generic ({type}/{segment}); FhirApiDocumentTransformer describes them as FHIR
            // interactions and operations instead. Other endpoints (dashboard, login) are described as ASP.NET sees them.
            options.ShouldInclude = description => !(description.RelativePath ?? "").StartsWith("fhir", StringComparison.OrdinalIgnoreCase);
            options.AddDocumentTransformer<FhirApiDocumentTransformer>();
        });
        return services;
    }

    public static IEndpointRouteBuilder MapFhirDocs(this IEndpointRouteBuilder app)
    {
        // public by design, like the CapabilityStatement: they describe the API, not its data
        app.MapOpenApi(OpenApiRoute).AllowAnonymous();
        // For a hospital intranet: Scalar's own bundle served from here, system fonts, no AI agent, MCP, telemetry,
        // developer toolbar (share, deploy, SDK generation) or client button, so the page calls no other host.
        app.MapScalarApiReference("/docs", options =>
        {
            options
                .WithTitle("FhirTrial API reference")
                .WithOpenApiRoutePattern(OpenApiRoute)
                .DisableDefaultFonts()
                .HideClientButton()
                .DisableAgent()
                .DisableMcp()
                .AddDocument(DocumentName);
            options.ShowDeveloperTools = DeveloperToolsVisibility.Never;
            options.Telemetry = false;
        }).AllowAnonymous();
        return app;
    }
}
