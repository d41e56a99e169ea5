using FhirTrial.Fhir.Conformance;
using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Security;
using FhirTrial.Server.Security;
using Hl7.Fhir.Model;

namespace FhirTrial.Server.Http;

/// <summary>The FHIR REST surface under <c>/fhir</c>: each route turns HTTP into one engine call and the answer back.</summary>
public static class FhirEndpoints
{
    public static void MapFhir(this IEndpointRouteBuilder app)
    {
        var fhir = app.MapGroup("/fhir");
        fhir.MapGet("/metadata", (HttpContext http, CapabilityStatementProvider capabilities)
            => FhirResponses.WriteResourceAsync(http, 200, capabilities.Get(FhirFormat.BaseUrl(http.Request)))).AllowAnonymous();

        fhir.MapGet("/", (HttpContext http, SearchService search, CancellationToken ct) => SearchAsync(http, search, null, FhirFormat.Query(http.Request), ct))
            .AsFhirInteraction(new FhirInteraction("search-system"));
        fhir.MapPost("/", async (HttpContext http, BundleProcessor bundles, CancellationToken ct) =>
        {
            var body = await FhirFormat.ReadResourceAsync(http.Request, ct);
            if (body is not Bundle bundle) throw FhirException.BadRequest($"Only a Bundle can be posted to the base URL, not {Wording.A(body.TypeName)}.");
            var result = await bundles.ProcessAsync(bundle, FhirFormat.Context(http.Request, ReturnPreference.Minimal), ct);
            await FhirResponses.WriteBundleAsync(http, 200, result);
        }).AsFhirInteraction(new FhirInteraction("transaction"));
        fhir.MapGet("/_history", async (HttpContext http, SearchService search, CancellationToken ct) =>
            await FhirResponses.WriteBundleAsync(http, 200, await search.HistoryAsync(null, null, FhirFormat.Query(http.Request), Context(http), ct)))
            .AsFhirInteraction(new FhirInteraction("history-system"));

        fhir.MapMethods("/{segment}", ["GET", "POST", "PUT", "DELETE"], TypeLevelAsync).AsFhirInteraction(http =>
        {
            var segment = http.Value("segment");
            if (FhirRoute.OperationName(segment) is { } operation) return new FhirInteraction("operation", Operation: operation);
            return new FhirInteraction(http.Request.Method switch
            {
                "POST" => "create",
                "PUT" => "update",
                "DELETE" => "delete",
                _ => "search-type",
            }, segment);
        });
        fhir.MapPost("/{type}/_search", async (HttpContext http, string type, SearchService search, CancellationToken ct) =>
        {
            var parameters = FhirFormat.Query(http.Request);
            if (http.Request.HasFormContentType)
                foreach (var (key, values) in await FormBody.ReadAsync(http.Request, ct))
                    foreach (var value in values) parameters.Add(new(key, value ?? ""));
            await SearchAsync(http, search, type, parameters, ct);
        }).AsFhirInteraction(http => new FhirInteraction("search-type", http.Value("type")));
        fhir.MapGet("/{type}/_history", async (HttpContext http, string type, SearchService search, CancellationToken ct) =>
            await FhirResponses.WriteBundleAsync(http, 200, await search.HistoryAsync(type, null, FhirFormat.Query(http.Request), Context(http), ct)))
            .AsFhirInteraction(http => new FhirInteraction("history-type", http.Value("type")));
        fhir.MapMethods("/{type}/{segment}", ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"], InstanceLevelAsync).AsFhirInteraction(http =>
        {
            var (type, segment) = (http.Value("type"), http.Value("segment"));
            if (FhirRoute.OperationName(segment) is { } operation) return new FhirInteraction("operation", type, Operation: operation);
            return new FhirInteraction(http.Request.Method switch
            {
                "PUT" or "POST" => "update",
                "PATCH" => "patch",
                "DELETE" => "delete",
                _ => "read",
            }, type, segment);
        });
        fhir.MapGet("/{type}/{id}/_history", async (HttpContext http, string type, string id, SearchService search, CancellationToken ct) =>
            await FhirResponses.WriteBundleAsync(http, 200, await search.HistoryAsync(type, id, FhirFormat.Query(http.Request), Context(http), ct)))
            .AsFhirInteraction(http => new FhirInteraction("history-instance", http.Value("type"), http.Value("id")));
        fhir.MapGet("/{type}/{id}/_history/{version}", async (HttpContext http, string type, string id, string version, ResourceService resources, CancellationToken ct) =>
        {
            if (!int.TryParse(version, out var v)) throw FhirException.NotFound($"'{version}' is not a version of {type}/{id}.");
            await FhirResponses.WriteStoredAsync(http, 200, await resources.ReadVersionAsync(type, id, v, ct));
        }).AsFhirInteraction(http => new FhirInteraction("vread", http.Value("type"), http.Value("id")));
        fhir.MapMethods("/{type}/{id}/{operation}", ["GET", "POST"], (HttpContext http, string type, string id, string operation, OperationDispatcher ops, CancellationToken ct)
            => ops.InvokeAsync(http, type, id, operation, ct))
            .AsFhirInteraction(http => FhirRoute.OperationName(http.Value("operation")) is { } operation
                ? new FhirInteraction("operation", http.Value("type"), http.Value("id"), operation)
                : new FhirInteraction("none", http.Value("type"), http.Value("id")));
        fhir.MapFallback((HttpContext http) => throw FhirException.NotFound($"No FHIR interaction answers {http.Request.Method} {http.Request.Path}."))
            .AsFhirInteraction(new FhirInteraction("none"));
    }

    private static async Task TypeLevelAsync(HttpContext http, string segment, ResourceService resources, SearchService search,
        OperationDispatcher ops, CancellationToken ct)
    {
        if (segment.StartsWith('$')) { await ops.InvokeAsync(http, null, null, segment, ct); return; }
        var type = segment;
        ResourceService.RequireType(type);
        switch (http.Request.Method)
        {
            case "GET":
                await SearchAsync(http, search, type, FhirFormat.Query(http.Request), ct);
                break;
            case "POST":
            {
                var resource = await FhirFormat.ReadResourceAsync(http.Request, ct);
                if (resource.TypeName != type) throw FhirException.BadRequest($"The body is {Wording.A(resource.TypeName)}, not {Wording.A(type)}.");
                var ifNoneExist = http.Request.Headers["If-None-Exist"].ToString();
                var result = await resources.CreateAsync(resource, ifNoneExist.Length == 0 ? null : ifNoneExist, ct);
                await FhirResponses.WriteWriteResultAsync(http, result, Context(http));
                break;
            }
            case "PUT":
            {
                var criteria = RequireCriteria(http);
                var resource = await FhirFormat.ReadResourceAsync(http.Request, ct);
                await FhirResponses.WriteWriteResultAsync(http, await resources.ConditionalUpdateAsync(type, criteria, resource, ct), Context(http));
                break;
            }
            case "DELETE":
            {
                var (criteria, cascade) = CascadeParameter.Split(RequireCriteria(http));
                if (criteria is null) throw FhirException.MethodNotAllowed("DELETE on a type needs search criteria (conditional delete).");
                var deleted = (await resources.ConditionalDeleteAsync(type, criteria, cascade, ct)).DeletedCount;
                http.Response.StatusCode = deleted == 0 ? StatusCodes.Status204NoContent : StatusCodes.Status200OK;
                if (deleted > 0) await FhirResponses.WriteResourceAsync(http, 200, Outcomes.Information($"Deleted {deleted} resource(s)."));
                break;
            }
        }
    }

    private static async Task InstanceLevelAsync(HttpContext http, string type, string segment, ResourceService resources,
        OperationDispatcher ops, CancellationToken ct)
    {
        if (segment.StartsWith('$')) { await ops.InvokeAsync(http, type, null, segment, ct); return; }
        var id = segment;
        var ifMatch = ETags.Parse(http.Request.Headers.IfMatch.ToString());
        switch (http.Request.Method)
        {
            case "GET" or "HEAD":
            {
                var stored = await resources.ReadAsync(type, id, ct);
                var ifNoneMatch = http.Request.Headers.IfNoneMatch.ToString();
                if (ifNoneMatch.Length > 0 && ETags.Parse(ifNoneMatch) == stored.Version)
                {
                    FhirResponses.SetVersionHeaders(http, stored);
                    http.Response.StatusCode = StatusCodes.Status304NotModified;
                    return;
                }
                await FhirResponses.WriteStoredAsync(http, 200, stored, withBody: http.Request.Method == "GET");
                break;
            }
            case "PUT":
            {
                var resource = await FhirFormat.ReadResourceAsync(http.Request, ct);
                await FhirResponses.WriteWriteResultAsync(http, await resources.UpdateAsync(type, id, resource, ifMatch, ct), Context(http));
                break;
            }
            case "PATCH":
            {
                var contentType = http.Request.ContentType ?? "";
                if (!contentType.Contains("json-patch", StringComparison.OrdinalIgnoreCase))
                    throw FhirException.Of(System.Net.HttpStatusCode.UnsupportedMediaType, OperationOutcome.IssueType.NotSupported,
                        "PATCH takes a JSON Patch (Content-Type: application/json-patch+json).");
                var patch = await FhirFormat.ReadBodyAsync(http.Request, ct);
                await FhirResponses.WriteWriteResultAsync(http, await resources.PatchAsync(type, id, patch, ifMatch, ct), Context(http));
                break;
            }
            case "DELETE":
            {
                var (_, cascade) = CascadeParameter.Split(http.Request.QueryString.Value);
                var deleted = await resources.DeleteAsync(type, id, ifMatch, cascade, ct);
                if (deleted is not null) http.Response.Headers.ETag = FhirText.ETag(deleted.Stored.Version);
                http.Response.StatusCode = StatusCodes.Status204NoContent;
                break;
            }
            case "POST":
                throw FhirException.MethodNotAllowed($"POST is not allowed on {type}/{id}; use PUT to update.");
        }
    }

    private static async Task SearchAsync(HttpContext http, SearchService search, string? type, List<KeyValuePair<string, string>> parameters, CancellationToken ct)
        => await FhirResponses.WriteBundleAsync(http, 200, await search.SearchAsync(type, parameters, Context(http), ct));

    private static RequestContext Context(HttpContext http) => FhirFormat.Context(http.Request, ReturnPreference.Representation);

    private static string RequireCriteria(HttpContext http)
    {
        var query = http.Request.QueryString.Value?.TrimStart('?') ?? "";
        if (query.Length == 0) throw FhirException.MethodNotAllowed($"{http.Request.Method} on a type needs search criteria (conditional {http.Request.Method.ToLowerInvariant()}).");
        return query;
    }
}
