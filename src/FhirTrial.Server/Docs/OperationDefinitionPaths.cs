using System.Text;
using Hl7.Fhir.Model;
using Microsoft.OpenApi;
using static FhirTrial.Server.Docs.OpenApiParts;

namespace FhirTrial.Server.Docs;

/// <summary>Turns one OperationDefinition into OpenAPI operations: a path per level it runs at, GET and POST, its inputs and outputs.</summary>
public static class OperationDefinitionPaths
{
    public static IEnumerable<(string Path, HttpMethod Method, OpenApiOperation Operation)> Describe(OpenApiDocument document,
        OperationDefinition definition, string tag)
    {
        var code = definition.Code;
        var inputs = definition.Parameter.Where(p => p.Use == OperationParameterUse.In).ToList();
        var outputs = definition.Parameter.Where(p => p.Use == OperationParameterUse.Out).ToList();
        var levels = new List<(string Path, string? Type, bool Instance)>();
        if (definition.System == true) levels.Add(($"/fhir/${code}", null, false));
        foreach (var type in definition.ResourceElement.Select(r => r.Value?.ToString()).OfType<string>())
        {
            if (definition.Type == true) levels.Add(($"/fhir/{type}/${code}", type, false));
            if (definition.Instance == true) levels.Add(($"/fhir/{type}/{{id}}/${code}", type, true));
        }
        foreach (var (path, type, instance) in levels)
        {
            // At instance level the resource comes from the URL, so an input of that resource's own type is not needed.
            var levelInputs = inputs.Where(p => !(instance && TypeName(p) == type)).ToList();
            var allPrimitive = levelInputs.All(IsPrimitive);
            var level = type is null ? "system" : instance ? "instance" : "type";
            if (definition.AffectsState != true && allPrimitive)
            {
                var get = Operation(document, definition, tag, $"{code}-{level}-get", type, instance, outputs);
                foreach (var p in levelInputs) get.Parameters!.Add(Query(p.Name ?? "", Documentation(p), PrimitiveSchema(p), required: (p.Min ?? 0) > 0));
                yield return (path, HttpMethod.Get, get);
            }
            var post = Operation(document, definition, tag, $"{code}-{level}-post", type, instance, outputs);
            post.RequestBody = Body(InputsText(levelInputs), Ref(document, "Parameters"), required: levelInputs.Any(p => (p.Min ?? 0) > 0));
            yield return (path, HttpMethod.Post, post);
        }
    }

    private static OpenApiOperation Operation(OpenApiDocument document, OperationDefinition definition, string tag, string id,
        string? type, bool instance, IReadOnlyList<OperationDefinition.ParameterComponent> outputs)
    {
        var op = new OpenApiOperation
        {
            OperationId = id,
            Summary = $"${definition.Code}" + (definition.Title is { } title ? $": {title}" : ""),
            Description = $"{definition.Description}\n\nDefinition: `{definition.Url}`\n\n**Output**{(BinaryReturn(outputs) is null ? " (Parameters)" : "")}:\n\n{OutputsText(outputs)}",
            Tags = new HashSet<OpenApiTagReference> { new(tag, document) },
            Parameters = new List<IOpenApiParameter>(),
            Responses = new OpenApiResponses
            {
                ["200"] = BinaryReturn(outputs) is { } binary
                    ? Response(binary.Documentation ?? "The result", Schema(JsonSchemaType.String, "binary"), BinaryMediaType(binary))
                    : Response("The result", Ref(document, ReturnType(outputs) ?? "Parameters")),
                ["400"] = Response("Bad input (OperationOutcome)", Ref(document, "OperationOutcome")),
                ["404"] = Response("Unknown resource (OperationOutcome)", Ref(document, "OperationOutcome")),
                ["422"] = Response("The data do not allow an answer (OperationOutcome)", Ref(document, "OperationOutcome")),
            },
        };
        if (instance) op.Parameters.Add(Path("id", $"The {type}'s logical id."));
        return op;
    }

    /// <summary>An operation whose only output is <c>return</c> of a resource type answers that resource itself.</summary>
    private static string? ReturnType(IReadOnlyList<OperationDefinition.ParameterComponent> outputs)
        => outputs is [{ Name: "return" } only] && TypeName(only) is "OperationOutcome" or "Bundle" ? TypeName(only) : null;

    /// <summary>An operation whose only output is <c>return</c> of type Binary answers a file, not a resource.</summary>
    private static OperationDefinition.ParameterComponent? BinaryReturn(IReadOnlyList<OperationDefinition.ParameterComponent> outputs)
        => outputs is [{ Name: "return" } only] && TypeName(only) == "Binary" ? only : null;

    /// <summary>The media type the definition's documentation opens with (<c>application/zip: ...</c>), else any bytes.</summary>
    private static string BinaryMediaType(OperationDefinition.ParameterComponent binary)
        => binary.Documentation?.Split(':')[0].Trim() is { } type && type.Contains('/') && !type.Contains(' ') ? type : "application/octet-stream";

    /// <summary>The FHIR type as written in the definition (<c>string</c>, <c>Reference</c>), not the enum member's name.</summary>
    private static string? TypeName(OperationDefinition.ParameterComponent p)
        => p.Type is { } type ? Hl7.Fhir.Utility.EnumUtility.GetLiteral(type) : null;

    private static bool IsPrimitive(OperationDefinition.ParameterComponent p)
        => p.Part.Count == 0 && TypeName(p) is { } t && (char.IsLower(t[0]) || t == "Reference" || p.SearchType is not null);

    private static OpenApiSchema PrimitiveSchema(OperationDefinition.ParameterComponent p) => TypeName(p) switch
    {
        "boolean" => Schema(JsonSchemaType.Boolean),
        "integer" or "positiveInt" or "unsignedInt" => Schema(JsonSchemaType.Integer),
        "decimal" => Schema(JsonSchemaType.Number),
        "date" => Schema(JsonSchemaType.String, "date"),
        "dateTime" or "instant" => Schema(JsonSchemaType.String, "date-time"),
        "uri" or "url" or "canonical" => Schema(JsonSchemaType.String, "uri"),
        _ => Schema(JsonSchemaType.String),
    };

    private static string Documentation(OperationDefinition.ParameterComponent p)
        => $"{p.Documentation ?? p.Name} ({TypeName(p) ?? "parts"}, {p.Min ?? 0}..{p.Max ?? "1"})";

    private static string InputsText(IReadOnlyList<OperationDefinition.ParameterComponent> inputs)
        => inputs.Count == 0
            ? "No inputs (an empty Parameters or no body)."
            : "A Parameters resource with:\n\n" + Table(inputs, 0);

    private static string OutputsText(IReadOnlyList<OperationDefinition.ParameterComponent> outputs)
        => outputs.Count == 0 ? "none" : Table(outputs, 0);

    /// <summary>The parameters as a markdown list, parts nested under their parameter.</summary>
    private static string Table(IEnumerable<OperationDefinition.ParameterComponent> parameters, int depth)
    {
        var text = new StringBuilder();
        foreach (var p in parameters)
        {
            text.Append(new string(' ', depth * 2)).Append("- `").Append(p.Name).Append("` ")
                .Append(TypeName(p) is { } t ? $"`{t}`" : "(parts)").Append(' ').Append($"{p.Min ?? 0}..{p.Max ?? "1"}");
            if (!string.IsNullOrWhiteSpace(p.Documentation)) text.Append(" — ").Append(p.Documentation);
            text.Append('\n');
            if (p.Part.Count > 0) text.Append(Table(p.Part, depth + 1));
        }
        return text.ToString();
    }
}
