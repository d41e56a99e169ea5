using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Engine;

/// <summary>A write of a transaction as it is carried out: the request, and what the transaction resolves for it
/// (the id it writes, the existing match of a conditional create).</summary>
internal sealed class PlannedEntry
{
    public required int Index { get; init; }
    public required WriteRequest Request { get; init; }

    /// <summary>Its position among the writes of its transaction (the Bundle entry's index may differ: reads are apart).</summary>
    public int Slot { get; init; }

    /// <summary>The attempt's own copy of the body: reference rewriting and id stamping change it.</summary>
    public Resource? Resource { get; set; }

    private (Resource Of, List<ResourceReference> References, List<PrimitiveType> Uris)? _links;

    /// <summary>The references and URI elements of <see cref="Resource"/>, found in one walk of its tree and kept for
    /// the checks after the rewrite (which changes their values, not which elements they are); walked again when the
    /// body was replaced (a patch), and always for a Subscription, whose owner stamp replaces extensions as it is stored.</summary>
    public (List<ResourceReference> References, List<PrimitiveType> Uris) Links()
    {
        var resource = Resource ?? throw new InvalidOperationException("an entry without a body has no links");
        if (_links is not { } links || !ReferenceEquals(links.Of, resource) || resource is Subscription)
        {
            var (references, uris) = ReferenceRewriter.Links(resource);
            _links = links = (resource, references, uris);
        }
        return (links.References, links.Uris);
    }

    public Bundle.HTTPVerb Method => Request.Method;
    public string Type => Request.Type;
    public string? Id => Request.Id;
    public string? Criteria => Request.Criteria;
    public string? AssignedId { get; set; }
    public StoredResource? Existing { get; set; }

    /// <summary>A fresh copy for one attempt of a store transaction, so that a rolled-back attempt leaks nothing into the next.</summary>
    public PlannedEntry ForAttempt(int slot) => new() { Index = Index, Slot = slot, Request = Request, Resource = (Resource?)Request.Resource?.DeepCopy() };

    /// <summary>The write a Bundle entry asks for; checks the entry's own shape.</summary>
    public static WriteRequest RequestOf(Bundle.EntryComponent entry, int index)
    {
        var request = entry.Request ?? throw FhirException.BadRequest($"Bundle.entry[{index}] has no request.", $"Bundle.entry[{index}].request");
        var method = request.Method ?? throw FhirException.BadRequest($"Bundle.entry[{index}].request has no method.", $"Bundle.entry[{index}].request.method");
        var url = request.Url ?? throw FhirException.BadRequest($"Bundle.entry[{index}].request has no url.", $"Bundle.entry[{index}].request.url");
        var question = url.IndexOf('?');
        var path = (question < 0 ? url : url[..question]).Trim('/');
        var criteria = question < 0 ? null : url[(question + 1)..];
        var cascade = false;
        if (method == Bundle.HTTPVerb.DELETE) (criteria, cascade) = CascadeParameter.Split(criteria);
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
                if (resource.TypeName != type) throw FhirException.BadRequest($"Bundle.entry[{index}] posts {Errors.Wording.A(resource.TypeName)} to {type}.");
                break;
            case Bundle.HTTPVerb.PUT:
                if (resource is null) throw FhirException.BadRequest($"Bundle.entry[{index}] PUT has no resource.");
                if (resource.TypeName != type) throw FhirException.BadRequest($"Bundle.entry[{index}] puts {Errors.Wording.A(resource.TypeName)} to {type}.");
                if (id is null && criteria is null) throw FhirException.BadRequest($"Bundle.entry[{index}] PUT needs Type/id or Type?criteria.");
                break;
            case Bundle.HTTPVerb.DELETE:
                if (id is null && criteria is null) throw FhirException.BadRequest($"Bundle.entry[{index}] DELETE needs Type/id or Type?criteria.");
                resource = null;
                break;
            case Bundle.HTTPVerb.PATCH:
                if (id is null) throw FhirException.BadRequest($"Bundle.entry[{index}] PATCH needs Type/id.");
                patch = resource is Binary { Data: { } data } ? System.Text.Encoding.UTF8.GetString(data)
                    : throw FhirException.BadRequest($"Bundle.entry[{index}] PATCH carries a JSON Patch as a Binary resource.");
                resource = null;
                break;
        }
        return new WriteRequest(method, type)
        {
            Id = id, Criteria = criteria, FullUrl = entry.FullUrl, Resource = resource, PatchJson = patch,
            IfNoneExist = request.IfNoneExist, IfMatch = ETags.Parse(request.IfMatch), Cascade = cascade,
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
