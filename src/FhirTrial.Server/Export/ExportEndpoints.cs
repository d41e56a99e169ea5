using System.Text.Json;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Export;
using FhirTrial.Fhir.Security;
using FhirTrial.Server.Security;
using FhirTrial.Server.Http;
using Hl7.Fhir.Model;

namespace FhirTrial.Server.Export;

/// <summary>
/// The Bulk Data routes: kick-off at system, Patient and Group level, the status URL (poll, delete) and the files.
/// Literal routes, so they win over the generic <c>/fhir/{type}/...</c> routes. Each calls <see cref="BulkExportService"/> only.
/// </summary>
public static class ExportEndpoints
{
    public const string NdjsonContentType = "application/fhir+ndjson";
    private const string JobsSegment = "_export";

    private static readonly JsonSerializerOptions ManifestJson = new() { WriteIndented = true };

    public static IEndpointRouteBuilder MapBulkExport(this IEndpointRouteBuilder app)
    {
        var fhir = app.MapGroup("/fhir");
        fhir.MapMethods("/$export", ["GET", "POST"], (HttpContext http, BulkExportService export, CancellationToken ct)
            => KickOffAsync(http, export, ExportLevel.System, null, ct))
            .AsFhirInteraction(new FhirInteraction("operation", Operation: "export"), auditAlways: true);
        fhir.MapMethods("/Patient/$export", ["GET", "POST"], (HttpContext http, BulkExportService export, CancellationToken ct)
            => KickOffAsync(http, export, ExportLevel.Patient, null, ct))
            .AsFhirInteraction(new FhirInteraction("operation", "Patient", Operation: "export"), auditAlways: true);
        fhir.MapMethods("/Group/{id}/$export", ["GET", "POST"], (HttpContext http, string id, BulkExportService export, CancellationToken ct)
            => KickOffAsync(http, export, ExportLevel.Group, id, ct))
            .AsFhirInteraction(http => new FhirInteraction("operation", "Group", http.Value("id"), "export"), auditAlways: true);
        fhir.MapGet($"/{JobsSegment}/{{jobId}}", StatusAsync).AsFhirInteraction(ExportJob, auditAlways: true);
        fhir.MapDelete($"/{JobsSegment}/{{jobId}}", async (HttpContext http, string jobId, BulkExportService export, CancellationToken ct) =>
        {
            await export.DeleteAsync(jobId, Caller(http), ct);
            await FhirResponses.WriteResourceAsync(http, StatusCodes.Status202Accepted, Outcomes.Information($"Export job {jobId} deleted."));
        }).AsFhirInteraction(ExportJob, auditAlways: true);
        fhir.MapGet($"/{JobsSegment}/{{jobId}}/{{file}}", async (HttpContext http, string jobId, string file, BulkExportService export,
            AccessContext access, CancellationToken ct) =>
        {
            var (path, output) = export.OutputFile(jobId, file, Caller(http));
            access.Current?.Release(output.Patients ?? []);
            http.Response.ContentType = NdjsonContentType;
            await http.Response.SendFileAsync(path, ct);
        }).AsFhirInteraction(ExportJob, auditAlways: true);
        return app;
    }

    /// <summary>A poll, deletion or file download of an export job: the job's owner is checked by the export service.</summary>
    private static FhirInteraction ExportJob(HttpContext http) => new("export-job", Operation: "export");

    private static async Task KickOffAsync(HttpContext http, BulkExportService export, ExportLevel level, string? groupId, CancellationToken ct)
    {
        var prefer = http.Request.Headers["Prefer"].ToString();
        if (!prefer.Contains("respond-async", StringComparison.OrdinalIgnoreCase))
            throw FhirException.BadRequest("$export runs asynchronously: send the header Prefer: respond-async.");
        var accept = http.Request.Headers.Accept.ToString();
        if (accept.Length > 0 && !accept.Split(',').Any(a => a.Trim().Split(';')[0] is "application/fhir+json" or "application/json" or "*/*"))
            throw FhirException.BadRequest($"$export answers in application/fhir+json; Accept '{accept}' cannot be met.");

        var parameters = FhirFormat.Query(http.Request);
        if (http.Request.Method == "POST" && (http.Request.ContentLength is > 0 || http.Request.Headers.TransferEncoding.Count > 0))
        {
            var body = await FhirFormat.ReadResourceAsync(http.Request, ct);
            if (body is not Parameters p) throw FhirException.BadRequest($"A POST kick-off takes a Parameters resource, not {Wording.A(body.TypeName)}.");
            parameters.AddRange(ExportRequest.FromParameters(p));
        }
        var handling = prefer.Contains("handling=strict", StringComparison.OrdinalIgnoreCase) ? ExportHandling.Strict
            : prefer.Contains("handling=lenient", StringComparison.OrdinalIgnoreCase) ? ExportHandling.Lenient
            : ExportHandling.Default;
        var path = http.Request.Path.Value ?? "";
        var requestUrl = $"{FhirFormat.BaseUrl(http.Request)}{(path.Length > 5 ? path[5..] : "")}{http.Request.QueryString}"; // the path after "/fhir"
        var request = ExportRequest.Parse(level, groupId, parameters, requestUrl, handling);

        var job = await export.KickOffAsync(request, Caller(http), ct);
        var statusUrl = StatusUrl(http, job.Id);
        http.Response.Headers.ContentLocation = statusUrl;
        await FhirResponses.WriteResourceAsync(http, StatusCodes.Status202Accepted,
            Outcomes.Information($"Export job {job.Id} accepted; poll {statusUrl} for its progress and manifest."));
    }

    private static async Task StatusAsync(HttpContext http, string jobId, BulkExportService export, CancellationToken ct)
    {
        var job = export.Status(jobId, Caller(http));
        switch (job.State)
        {
            case ExportJobState.Completed:
                http.Response.StatusCode = StatusCodes.Status200OK;
                http.Response.ContentType = "application/json; charset=utf-8";
                await JsonSerializer.SerializeAsync(http.Response.Body, export.Manifest(job, StatusUrl(http, job.Id)), ManifestJson, ct);
                break;
            case ExportJobState.Failed:
                throw FhirException.Of(System.Net.HttpStatusCode.InternalServerError, OperationOutcome.IssueType.Exception,
                    job.Failure ?? "The export failed.");
            default:
                http.Response.StatusCode = StatusCodes.Status202Accepted;
                http.Response.Headers["X-Progress"] = job.ProgressText;
                http.Response.Headers.RetryAfter = export.Options.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                break;
        }
    }

    /// <summary>The caller, whose jobs only they may see: the client id of the request's principal ("anonymous" in developer mode).</summary>
    private static string Caller(HttpContext http)
        => http.RequestServices.GetRequiredService<AccessContext>().Current?.Principal.ClientId
           ?? throw new InvalidOperationException("An export route ran with no access identity.");

    private static string StatusUrl(HttpContext http, string jobId) => $"{FhirFormat.BaseUrl(http.Request)}/{JobsSegment}/{jobId}";
}
