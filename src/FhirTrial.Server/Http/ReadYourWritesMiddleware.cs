using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Storage;

namespace FhirTrial.Server.Http;

/// <summary>
/// Read-your-writes across a read replica. A write's response carries <c>X-FhirTrial-Lsn</c>, the WAL position of its
/// commit; a client that sends it back on a later request has that request's reads served by a standby only once the
/// standby has replayed that far, else by the primary. Every read of a request that writes (a write, a Bundle) goes to
/// the primary. Without a replica the header is neither sent nor needed.
/// </summary>
public sealed class ReadYourWritesMiddleware(RequestDelegate next)
{
    public const string Header = "X-FhirTrial-Lsn";

    public async Task InvokeAsync(HttpContext http)
    {
        ulong? readAfter = null;
        foreach (var value in http.Request.Headers[Header].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)))
        {
            if (!ReadConsistency.TryParse(value, out var position))
                throw FhirException.BadRequest($"{Header} must be a position as the server sent it (such as 0/16B3748), not '{value.Trim()}'.");
            readAfter = Math.Max(readAfter ?? 0, position);
        }
        var scope = new ReadConsistency(readAfter, primary: Writes(http.Request));
        http.Response.OnStarting(() =>
        {
            if (scope.Committed is { } committed) http.Response.Headers[Header] = ReadConsistency.Format(committed);
            return Task.CompletedTask;
        });
        using (ReadConsistency.Enter(scope)) await next(http);
    }

    /// <summary>Anything but GET, HEAD and a POST search may write.</summary>
    private static bool Writes(HttpRequest request)
        => !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
             || HttpMethods.IsPost(request.Method) && request.Path.Value?.EndsWith("/_search", StringComparison.Ordinal) == true);
}
