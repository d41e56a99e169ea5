using FhirTrial.Fhir.Errors;

namespace FhirTrial.Server.Http;

/// <summary>Reads form bodies (<c>POST _search</c>, token requests); every form in the server is read here.</summary>
public static class FormBody
{
    /// <summary>
    /// The request's form. A malformed one (a multipart body whose boundary is missing, broken or never closed, too many
    /// fields) is the client's fault: 400, where ASP.NET's InvalidDataException or IOException became a 500.
    /// </summary>
    public static async Task<IFormCollection> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            return await request.ReadFormAsync(ct);
        }
        catch (Exception e) when (e is InvalidDataException or IOException && e is not BadHttpRequestException
            && !request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            throw FhirException.BadRequest($"The request body could not be read as a form: {e.Message}");
        }
    }
}
