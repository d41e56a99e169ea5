using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace FhirTrial.Server.Docs;

/// <summary>Small constructors for the OpenAPI model, so the descriptions read as tables rather than object graphs.</summary>
internal static class OpenApiParts
{
    public const string FhirJson = "application/fhir+json";

    public static OpenApiSchema Schema(JsonSchemaType type, string? format = null, string? description = null)
        => new() { Type = type, Format = format, Description = description };

    public static OpenApiSchema Enum(IEnumerable<string> values)
        => new() { Type = JsonSchemaType.String, Enum = values.Select(v => (JsonNode)JsonValue.Create(v)!).ToList() };

    public static IOpenApiSchema Ref(OpenApiDocument document, string name) => new OpenApiSchemaReference(name, document);

    public static OpenApiParameter Path(string name, string description, IOpenApiSchema? schema = null)
        => new() { Name = name, In = ParameterLocation.Path, Required = true, Description = description, Schema = schema ?? Schema(JsonSchemaType.String) };

    public static OpenApiParameter Query(string name, string description, IOpenApiSchema? schema = null, bool required = false)
        => new() { Name = name, In = ParameterLocation.Query, Required = required, Description = description, Schema = schema ?? Schema(JsonSchemaType.String) };

    public static OpenApiParameter Header(string name, string description, bool required = false, string? example = null)
        => new()
        {
            Name = name, In = ParameterLocation.Header, Required = required, Description = description,
            Schema = Schema(JsonSchemaType.String), Example = example is null ? null : JsonValue.Create(example),
        };

    public static OpenApiResponse Response(string description, IOpenApiSchema? schema = null, string mediaType = FhirJson,
        IDictionary<string, IOpenApiHeader>? headers = null)
        => new()
        {
            Description = description,
            Content = schema is null ? null : new Dictionary<string, OpenApiMediaType> { [mediaType] = new() { Schema = schema } },
            Headers = headers,
        };

    public static OpenApiRequestBody Body(string description, IOpenApiSchema schema, string mediaType = FhirJson, bool required = true)
        => new()
        {
            Description = description, Required = required,
            Content = new Dictionary<string, OpenApiMediaType> { [mediaType] = new() { Schema = schema } },
        };

    public static OpenApiHeader ResponseHeader(string description)
        => new() { Description = description, Schema = Schema(JsonSchemaType.String) };
}
