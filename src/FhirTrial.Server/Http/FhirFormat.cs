using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Serialization;
using Hl7.Fhir.Model;

namespace FhirTrial.Server.Http;

/// <summary>Content negotiation: which format the client sends and wants, and the request's base URL and preferences.</summary>
public static class FhirFormat
{
    public const string Json = "application/fhir+json";
    public const string Xml = "application/fhir+xml";

    public static bool WantsXml(HttpRequest request)
    {
        var format = request.Query["_format"].ToString();
        if (!string.IsNullOrEmpty(format)) return format.Contains("xml", StringComparison.OrdinalIgnoreCase);
        var accept = request.Headers.Accept.ToString();
        // a browser (text/html first, xml as a fallback) reads JSON, never a FHIR XML download
        if (accept.Contains("text/html", StringComparison.OrdinalIgnoreCase)) return false;
        return accept.Contains("xml", StringComparison.OrdinalIgnoreCase) && !accept.Contains("json", StringComparison.OrdinalIgnoreCase);
    }

    private static readonly HashSet<string> JsonTypes = new(StringComparer.OrdinalIgnoreCase) { Json, "application/json", "text/json", "json" };
    private static readonly HashSet<string> XmlTypes = new(StringComparer.OrdinalIgnoreCase) { Xml, "application/xml", "text/xml", "xml" };

    public static async Task<Resource> ReadResourceAsync(HttpRequest request, CancellationToken ct)
    {
        var text = await ReadBodyAsync(request, ct);
        if (string.IsNullOrWhiteSpace(text)) throw FhirException.BadRequest("The request has no body.");
        var mediaType = (request.ContentType ?? "").Split(';')[0].Trim();
        if (mediaType.Length > 0 && !JsonTypes.Contains(mediaType) && !XmlTypes.Contains(mediaType))
            throw FhirException.Of(System.Net.HttpStatusCode.UnsupportedMediaType, OperationOutcome.IssueType.NotSupported,
                $"This server reads FHIR resources as {Json} or {Xml}, not {mediaType}.");
        return XmlTypes.Contains(mediaType) || mediaType.Length == 0 && text.TrimStart().StartsWith('<')
            ? FhirSerializer.ParseXml(text)
            : FhirSerializer.ParseJson(text);
    }

    public static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        var maxBytes = request.HttpContext.RequestServices.GetRequiredService<RequestLimits>().MaxRequestBytes;
        if (request.ContentLength > maxBytes) throw FhirException.TooLarge($"The request body is larger than {maxBytes} bytes.");
        try
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > maxBytes) throw FhirException.TooLarge($"The request body is larger than {maxBytes} bytes.");
                buffer.Write(chunk, 0, read);
            }
            return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw FhirException.TooLarge("The request body is larger than this server accepts.");
        }
    }

    public static RequestContext Context(HttpRequest request, ReturnPreference defaultReturn)
    {
        var prefer = request.Headers["Prefer"].ToString();
        var returns = defaultReturn;
        if (prefer.Contains("return=minimal", StringComparison.OrdinalIgnoreCase)) returns = ReturnPreference.Minimal;
        else if (prefer.Contains("return=representation", StringComparison.OrdinalIgnoreCase)) returns = ReturnPreference.Representation;
        else if (prefer.Contains("return=OperationOutcome", StringComparison.OrdinalIgnoreCase)) returns = ReturnPreference.OperationOutcome;
        var strict = prefer.Contains("handling=strict", StringComparison.OrdinalIgnoreCase);
        return new RequestContext(BaseUrl(request), returns, strict);
    }

    /// <summary>The FHIR base clients see: <c>Fhir:PublicBaseUrl</c> when set (never the request's Host, which the client
    /// controls), else the request's own address (in developer mode its Host is filtered to loopback names).</summary>
    public static string BaseUrl(HttpRequest request)
        => request.HttpContext.RequestServices.GetService<IConfiguration>()?["Fhir:PublicBaseUrl"] is { Length: > 0 } configured
            ? configured.TrimEnd('/')
            : $"{request.Scheme}://{request.Host}{request.PathBase}/fhir";

    public static List<KeyValuePair<string, string>> Query(HttpRequest request)
        => Fhir.Engine.QueryString.Parse(request.QueryString.Value?.TrimStart('?') ?? "");
}
