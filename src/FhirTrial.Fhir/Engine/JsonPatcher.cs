using System.Text.Json;
using System.Text.Json.Nodes;
using FhirTrial.Fhir.Errors;

namespace FhirTrial.Fhir.Engine;

/// <summary>Applies an RFC 6902 JSON Patch to stored resource JSON (add, remove, replace, move, copy, test).</summary>
public static class JsonPatcher
{
    public static string Apply(string json, string patch)
    {
        JsonNode document = JsonNode.Parse(json)!;
        JsonArray operations;
        try
        {
            operations = JsonNode.Parse(patch) as JsonArray ?? throw FhirException.BadRequest("A JSON Patch is an array of operations.");
        }
        catch (JsonException e)
        {
            throw FhirException.BadRequest($"The JSON Patch is not valid JSON: {e.Message}");
        }
        foreach (var node in operations)
        {
            if (node is not JsonObject op) throw FhirException.BadRequest("Each JSON Patch operation is an object.");
            var kind = op["op"]?.GetValue<string>() ?? throw FhirException.BadRequest("A JSON Patch operation needs 'op'.");
            var path = op["path"]?.GetValue<string>() ?? throw FhirException.BadRequest("A JSON Patch operation needs 'path'.");
            switch (kind)
            {
                case "add": document = Add(document, path, Value(op)); break;
                case "remove": document = Remove(document, path, out _); break;
                case "replace": document = Remove(document, path, out _); document = Add(document, path, Value(op)); break;
                case "move":
                {
                    var from = op["from"]?.GetValue<string>() ?? throw FhirException.BadRequest("'move' needs 'from'.");
                    document = Remove(document, from, out var moved);
                    document = Add(document, path, moved);
                    break;
                }
                case "copy":
                {
                    var from = op["from"]?.GetValue<string>() ?? throw FhirException.BadRequest("'copy' needs 'from'.");
                    document = Add(document, path, Get(document, from)?.DeepClone());
                    break;
                }
                case "test":
                    if (!JsonNode.DeepEquals(Get(document, path), op["value"]))
                        throw FhirException.Unprocessable($"JSON Patch test failed at '{path}'.");
                    break;
                default:
                    throw FhirException.BadRequest($"Unknown JSON Patch operation '{kind}'.");
            }
        }
        return document.ToJsonString();
    }

    private static JsonNode? Value(JsonObject op)
        => op.TryGetPropertyValue("value", out var v) ? v?.DeepClone() : throw FhirException.BadRequest("This JSON Patch operation needs 'value'.");

    private static string[] Segments(string path)
    {
        if (path == "") return [];
        if (!path.StartsWith('/')) throw FhirException.BadRequest($"'{path}' is not a JSON Pointer.");
        return path[1..].Split('/').Select(s => s.Replace("~1", "/").Replace("~0", "~")).ToArray();
    }

    private static JsonNode? Get(JsonNode root, string path)
    {
        JsonNode? node = root;
        foreach (var s in Segments(path))
        {
            node = node switch
            {
                JsonObject o => o.TryGetPropertyValue(s, out var child) ? child : throw Missing(path),
                JsonArray a when int.TryParse(s, out var i) && i >= 0 && i < a.Count => a[i],
                _ => throw Missing(path),
            };
        }
        return node;
    }

    private static (JsonNode Parent, string Last) Parent(JsonNode root, string path)
    {
        var segments = Segments(path);
        if (segments.Length == 0) throw FhirException.BadRequest("A JSON Patch cannot replace the whole resource.");
        var parentPath = "/" + string.Join("/", segments[..^1].Select(s => s.Replace("~", "~0").Replace("/", "~1")));
        var parent = segments.Length == 1 ? root : Get(root, parentPath) ?? throw Missing(path);
        return (parent, segments[^1]);
    }

    private static JsonNode Add(JsonNode root, string path, JsonNode? value)
    {
        var (parent, last) = Parent(root, path);
        switch (parent)
        {
            case JsonObject o: o[last] = value; break;
            case JsonArray a when last == "-": a.Add(value); break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i <= a.Count: a.Insert(i, value); break;
            default: throw Missing(path);
        }
        return root;
    }

    private static JsonNode Remove(JsonNode root, string path, out JsonNode? removed)
    {
        var (parent, last) = Parent(root, path);
        switch (parent)
        {
            case JsonObject o when o.TryGetPropertyValue(last, out var v): removed = v; o.Remove(last); break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i < a.Count: removed = a[i]; a.RemoveAt(i); break;
            default: throw Missing(path);
        }
        return root;
    }

    private static FhirException Missing(string path) => FhirException.Unprocessable($"JSON Patch path '{path}' does not exist.");
}
