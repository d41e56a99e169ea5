using System.Net;
using FhirTrial.Fhir.Errors;
using Hl7.Fhir.Model;

namespace FhirTrial.Server.Http;

/// <summary>Turns every fault into an OperationOutcome with its status, in one place; internals never reach the client.</summary>
public sealed class FhirErrorMiddleware(RequestDelegate next, ILogger<FhirErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        try
        {
            await next(http);
        }
        catch (FhirException e) when (!http.Response.HasStarted)
        {
            await WriteAsync(http, (int)e.Status, e.Outcome);
        }
        catch (BadHttpRequestException e) when (!http.Response.HasStarted)
        {
            var status = e.StatusCode == StatusCodes.Status413PayloadTooLarge ? 413 : 400;
            await WriteAsync(http, status, Outcomes.Single(OperationOutcome.IssueSeverity.Error,
                status == 413 ? OperationOutcome.IssueType.TooCostly : OperationOutcome.IssueType.Invalid,
                status == 413 ? "The request body is larger than this server accepts." : "The request could not be read."));
        }
        catch (InvalidDataException) when (!http.Response.HasStarted)
        {
            // a malformed form body (POST _search, token requests) is bad input, not a server fault
            await WriteAsync(http, 400, Outcomes.Single(OperationOutcome.IssueSeverity.Error, OperationOutcome.IssueType.Invalid,
                "The request body could not be read as a form."));
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // the client went away; nothing to answer
        }
        catch (Exception e) when (!http.Response.HasStarted)
        {
            logger.LogError(e, "Unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path);
            await WriteAsync(http, (int)HttpStatusCode.InternalServerError, Outcomes.Single(OperationOutcome.IssueSeverity.Fatal,
                OperationOutcome.IssueType.Exception, "The server failed to process the request; the error has been logged."));
        }
    }

    private static Task WriteAsync(HttpContext http, int status, OperationOutcome outcome)
    {
        http.Response.Clear();
        return FhirResponses.WriteResourceAsync(http, status, outcome);
    }
}
