using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FhirTrial.Server.Docs;

/// <summary>Adds the FHIR surface to the OpenAPI document: interactions, bulk export and every operation of the trial package.</summary>
public sealed class FhirApiDocumentTransformer(FhirApiDescription description) : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
        => description.DescribeAsync(document);
}
