using FhirTrial.Fhir.Conformance;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Engine;

/// <summary>A named operation (<c>$name</c>) at system, type or instance level; the web layer dispatches to it.</summary>
public interface IFhirOperation
{
    OperationInfo Info { get; }

    /// <summary>True when the operation runs at this level: type null = system, id null = type level.</summary>
    bool Accepts(string? type, string? id);

    Task<OperationResult> ExecuteAsync(OperationRequest request, CancellationToken ct);
}

/// <summary>An operation call: where it was called, its query parameters, and its body (a Parameters or a resource).</summary>
public sealed record OperationRequest(string Method, string? Type, string? Id,
    IReadOnlyList<KeyValuePair<string, string>> Query, Resource? Body, RequestContext Context)
{
    /// <summary>A named input from the query string or, for POST, from a Parameters body.</summary>
    public string? Value(string name)
    {
        var fromQuery = Query.LastOrDefault(p => p.Key == name).Value;
        if (fromQuery is not null) return fromQuery;
        return Body is Parameters p ? p.Parameter.FirstOrDefault(x => x.Name == name)?.Value?.ToString() : null;
    }
}

/// <summary>What an operation answers: a resource, a raw Bundle, or a file that is not FHIR, with an HTTP status.</summary>
public sealed record OperationResult(int Status, Resource? Resource, RawBundle? Bundle = null, OperationFile? File = null)
{
    public static OperationResult Ok(Resource resource) => new(200, resource);
    public static OperationResult Ok(RawBundle bundle) => new(200, null, bundle);
    public static OperationResult Ok(OperationFile file) => new(200, null, null, file);
}

/// <summary>A file an operation answers instead of a resource (a zip of analysis datasets): its media type, name and bytes.</summary>
public sealed record OperationFile(string ContentType, string FileName, byte[] Content);
