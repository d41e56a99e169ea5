using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Errors;
using Hl7.Fhir.Model;

namespace FhirTrial.Server.Http;

/// <summary>Finds the operation a <c>$name</c> URL calls, reads its input and writes its answer.</summary>
public sealed class OperationDispatcher(IEnumerable<IFhirOperation> operations)
{
    public async Task InvokeAsync(HttpContext http, string? type, string? id, string segment, CancellationToken ct)
    {
        if (!segment.StartsWith('$')) throw FhirException.NotFound($"No FHIR interaction answers {http.Request.Method} {http.Request.Path}.");
        var name = segment[1..];
        if (type is not null) ResourceService.RequireType(type);
        var candidates = operations.Where(o => o.Info.Name == name).ToList();
        if (candidates.Count == 0) throw FhirException.NotFound($"The operation ${name} is not known to this server.");
        var operation = candidates.FirstOrDefault(o => o.Accepts(type, id))
            ?? throw FhirException.NotFound($"The operation ${name} is not defined {(type is null ? "at system level" : id is null ? $"on {type}" : $"on {type} instances")}.");
        Resource? body = null;
        if (http.Request.Method == "POST" && (http.Request.ContentLength is > 0 || http.Request.Headers.TransferEncoding.Count > 0))
            body = await FhirFormat.ReadResourceAsync(http.Request, ct);
        var request = new OperationRequest(http.Request.Method, type, id, FhirFormat.Query(http.Request), body,
            FhirFormat.Context(http.Request, ReturnPreference.Representation));
        var result = await operation.ExecuteAsync(request, ct);
        if (result.File is { } file) await WriteFileAsync(http, result.Status, file, ct);
        else if (result.Bundle is not null) await FhirResponses.WriteBundleAsync(http, result.Status, result.Bundle);
        else if (result.Resource is not null) await FhirResponses.WriteResourceAsync(http, result.Status, result.Resource);
        else http.Response.StatusCode = result.Status;
    }

    private static async Task WriteFileAsync(HttpContext http, int status, OperationFile file, CancellationToken ct)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = file.ContentType;
        http.Response.ContentLength = file.Content.Length;
        http.Response.Headers.ContentDisposition = new System.Net.Mime.ContentDisposition { FileName = file.FileName }.ToString();
        await http.Response.Body.WriteAsync(file.Content, ct);
    }
}
