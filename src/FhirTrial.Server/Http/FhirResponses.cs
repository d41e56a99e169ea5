using System.Globalization;
using System.Text;
using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirTrial.Server.Http;

/// <summary>Writes FHIR answers: stored JSON straight through, POCOs through the serializer, XML when asked.</summary>
public static class FhirResponses
{
    public static async Task WriteResourceAsync(HttpContext http, int status, Resource resource)
    {
        http.Response.StatusCode = status;
        if (FhirFormat.WantsXml(http.Request))
            await WriteTextAsync(http, FhirFormat.Xml, FhirSerializer.ToXml(resource));
        else
        {
            http.Response.ContentType = FhirFormat.Json + "; charset=utf-8";
            await http.Response.Body.WriteAsync(FhirSerializer.ToJsonBytes(resource));
        }
    }

    public static async Task WriteStoredAsync(HttpContext http, int status, StoredResource stored, bool withBody = true)
    {
        http.Response.StatusCode = status;
        SetVersionHeaders(http, stored);
        if (!withBody) return;
        if (FhirFormat.WantsXml(http.Request))
            await WriteTextAsync(http, FhirFormat.Xml, FhirSerializer.ToXml(FhirSerializer.ParseJson(stored.Json)));
        else
            await WriteTextAsync(http, FhirFormat.Json, stored.Json);
    }

    public static async Task WriteBundleAsync(HttpContext http, int status, RawBundle bundle)
    {
        http.Response.StatusCode = status;
        if (FhirFormat.WantsXml(http.Request))
            await WriteTextAsync(http, FhirFormat.Xml, FhirSerializer.ToXml(bundle.ToPoco()));
        else
        {
            http.Response.ContentType = FhirFormat.Json + "; charset=utf-8";
            await http.Response.Body.WriteAsync(bundle.ToJsonBytes());
        }
    }

    /// <summary>The answer to a create, update or patch, shaped by the client's Prefer header.</summary>
    public static async Task WriteWriteResultAsync(HttpContext http, WriteResult result, RequestContext context)
    {
        var stored = result.Stored;
        var status = result.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK;
        if (result.Created || result.Unchanged)
            http.Response.Headers.Location = $"{context.BaseUrl}/{stored.Type}/{stored.Id}/_history/{stored.Version}";
        switch (context.Return)
        {
            case ReturnPreference.Minimal:
                await WriteStoredAsync(http, status, stored, withBody: false);
                break;
            case ReturnPreference.OperationOutcome:
                SetVersionHeaders(http, stored);
                await WriteResourceAsync(http, status, Outcomes.Information(
                    $"{stored.Type}/{stored.Id} {(result.Created ? "created" : result.Unchanged ? "already exists" : "updated")} as version {stored.Version}."));
                break;
            default:
                await WriteStoredAsync(http, status, stored);
                break;
        }
    }

    public static void SetVersionHeaders(HttpContext http, StoredResource stored)
    {
        http.Response.Headers.ETag = FhirText.ETag(stored.Version);
        http.Response.Headers.LastModified = stored.LastUpdated.ToUniversalTime().ToString("R", CultureInfo.InvariantCulture);
    }

    private static async Task WriteTextAsync(HttpContext http, string contentType, string text)
    {
        http.Response.ContentType = contentType + "; charset=utf-8";
        await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text));
    }
}
