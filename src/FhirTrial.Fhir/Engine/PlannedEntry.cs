using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Engine;

/// <summary>A Bundle entry understood: its method, target, conditions and body; ids are filled in as the transaction resolves them.</summary>
internal sealed class PlannedEntry
{
    public required int Index { get; init; }
    public required Bundle.HTTPVerb Method { get; init; }
    public required string Type { get; init; }
    public string? Id { get; init; }
    public string? Criteria { get; init; }
    public string? FullUrl { get; init; }
    public Resource? Resource { get; init; }
    public string? PatchJson { get; init; }
    public string? IfNoneExist { get; init; }
    public int? IfMatch { get; init; }
    public string? AssignedId { get; set; }
    public StoredResource? Existing { get; set; }

    /// <summary>A fresh copy for one attempt of a store transaction: the resource is copied so reference rewriting and
    /// id stamping of a rolled-back attempt never leak into the next one.</summary>
    public PlannedEntry ForAttempt() => new()
    {
        Index = Index, Method = Method, Type = Type, Id = Id, Criteria = Criteria, FullUrl = FullUrl,
        Resource = (Resource?)Resource?.DeepCopy(), PatchJson = PatchJson, IfNoneExist = IfNoneExist, IfMatch = IfMatch,
    };

    public static PlannedEntry From(Bundle.EntryComponent entry, int index)
    {
        var request = entry.Request ?? throw FhirException.BadRequest($"Bundle.entry[{index}] has no request.", $"Bundle.entry[{index}].request");
        var method = request.Method ?? throw FhirException.BadRequest($"Bundle.entry[{index}].request has no method.", $"Bundle.entry[{index}].request.method");
        var url = request.Url ?? throw FhirException.BadRequest($"Bundle.entry[{index}].request has no url.", $"Bundle.entry[{index}].request.url");
        var question = url.IndexOf('?');
        var path = (question < 0 ? url : url[..question]).Trim('/');
        var criteria = question < 0 ? null : url[(question + 1)..];
        var segments = path.Split('/');
        var type = segments[0];
        if (!ModelInfo.IsKnownResource(type)) throw FhirException.BadRequest($"Bundle.entry[{index}].request.url '{url}' names no resource type.");
        string? id = segments.Length >= 2 ? segments[1] : null;
        string? patch = null;
        var resource = entry.Resource;
        switch (method)
        {
            case Bundle.HTTPVerb.POST:
                if (resource is null) throw FhirException.BadRequest($"Bundle.entry[{index}] POST has no resource.");
                if (resource.TypeName != type) throw FhirException.BadRequest($"Bundle.entry[{index}] posts a {resource.TypeName} to {type}.");
                break;
            case Bundle.HTTPVerb.PUT:
                if (resource is null) throw FhirException.BadRequest($"Bundle.entry[{index}] PUT has no resource.");
                if (resource.TypeName != type) throw FhirException.BadRequest($"Bundle.entry[{index}] puts a {resource.TypeName} to {type}.");
                if (id is null && criteria is null) throw FhirException.BadRequest($"Bundle.entry[{index}] PUT needs Type/id or Type?criteria.");
                break;
            case Bundle.HTTPVerb.DELETE:
                if (id is null && criteria is null) throw FhirException.BadRequest($"Bundle.entry[{index}] DELETE needs Type/id or Type?criteria.");
                break;
            case Bundle.HTTPVerb.PATCH:
                if (id is null) throw FhirException.BadRequest($"Bundle.entry[{index}] PATCH needs Type/id.");
                patch = resource is Binary { Data: { } data } ? System.Text.Encoding.UTF8.GetString(data)
                    : throw FhirException.BadRequest($"Bundle.entry[{index}] PATCH carries a JSON Patch as a Binary resource.");
                resource = null;
                break;
        }
        return new PlannedEntry
        {
            Index = index, Method = method, Type = type, Id = id, Criteria = criteria, FullUrl = entry.FullUrl,
            Resource = resource, PatchJson = patch, IfNoneExist = request.IfNoneExist, IfMatch = ETags.Parse(request.IfMatch),
        };
    }
}

/// <summary>Reads the version out of a weak ETag (<c>W/"3"</c>).</summary>
public static class ETags
{
    public static int? Parse(string? etag)
    {
        if (string.IsNullOrWhiteSpace(etag)) return null;
        var text = etag.Trim();
        if (text.StartsWith("W/", StringComparison.Ordinal)) text = text[2..];
        text = text.Trim('"');
        return int.TryParse(text, out var v) ? v : throw FhirException.BadRequest($"'{etag}' is not a valid ETag (W/\"version\").");
    }
}
