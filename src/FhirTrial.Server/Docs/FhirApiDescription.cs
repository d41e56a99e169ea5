using System.Text;
using System.Text.Json.Nodes;
using FhirTrial.Fhir.Indexing;
using FhirTrial.Fhir.Validation;
using Hl7.Fhir.Model;
using Microsoft.OpenApi;
using static FhirTrial.Server.Docs.OpenApiParts;

namespace FhirTrial.Server.Docs;

/// <summary>
/// The FHIR part of the OpenAPI document. The REST interactions and bulk export are described once here; the trial
/// operations are generated from the OperationDefinitions of the trial package, so a new operation appears by its data.
/// </summary>
public sealed class FhirApiDescription(ProfileValidationService package, SearchParameterRegistry registry)
{
    public const string RestTag = "FHIR REST";
    public const string ExportTag = "Bulk Data export";
    public const string OperationsTag = "FHIR operations";
    public const string TrialTag = "Trial operations";

    private static readonly Lazy<ExampleResources> Examples = new(ExampleResources.FromRepository);

    /// <summary>The trial package's OperationDefinitions, read once at start.</summary>
    public IReadOnlyList<OperationDefinition> TrialOperations { get; } = package.Package.Resources.OfType<OperationDefinition>()
        .OrderBy(o => o.Code, StringComparer.Ordinal).ToList();

    /// <summary>The core specification's definitions of the terminology operations the server answers.</summary>
    public IReadOnlyList<OperationDefinition> TerminologyOperations { get; private set; } = [];

    /// <summary>Reads the core definitions of the terminology operations (once) and describes everything.</summary>
    public async Task DescribeAsync(OpenApiDocument document)
    {
        if (TerminologyOperations.Count == 0)
        {
            var found = new List<OperationDefinition>();
            foreach (var name in new[] { "ValueSet-expand", "ValueSet-validate-code", "CodeSystem-lookup", "CodeSystem-validate-code" })
                if (await package.ResolveAsync($"http://hl7.org/fhir/OperationDefinition/{name}") is OperationDefinition definition) found.Add(definition);
            TerminologyOperations = found;
        }
        Describe(document);
    }

    public void Describe(OpenApiDocument document)
    {
        document.Info ??= new OpenApiInfo();
        document.Info.Title = "FhirTrial FHIR R4 server";
        document.Info.Description = "FHIR R4 REST API (`application/fhir+json`, also XML) of the AK104 ccRCC second-line trial server, "
            + "its Bulk Data export, and the trial's own operations (generated from the OperationDefinitions of the trial package). "
            + "Every error is an OperationOutcome.";
        document.Paths ??= new OpenApiPaths();
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        foreach (var (name, schema) in Schemas()) document.Components.Schemas[name] = schema;
        document.Tags ??= new HashSet<OpenApiTag>();
        foreach (var (tag, text) in new[]
                 {
                     (RestTag, "Create, read, update, patch, delete, history and search on every R4 resource type; transactions and batches."),
                     (ExportTag, "FHIR Bulk Data Access (v2) export: asynchronous kick-off, status polling, ndjson files."),
                     (OperationsTag, "Standard FHIR operations."),
                     (TrialTag, "The trial's operations, as their OperationDefinitions in profiles/ define them."),
                 })
            document.Tags.Add(new OpenApiTag { Name = tag, Description = text });

        var paths = new Dictionary<string, OpenApiPathItem>(StringComparer.Ordinal);
        void Add(string path, HttpMethod method, OpenApiOperation operation)
        {
            if (!paths.TryGetValue(path, out var item)) paths[path] = item = new OpenApiPathItem();
            item.AddOperation(method, operation);
        }
        RestInteractions(document, Add);
        BulkExport(document, Add);
        SubscriptionWebSocket(document, Add);
        StandardOperations(document, Add);
        foreach (var definition in TerminologyOperations)
            foreach (var (path, method, operation) in OperationDefinitionPaths.Describe(document, definition, OperationsTag, queryForm: true))
                Add(path, method, operation);
        foreach (var definition in TrialOperations)
            foreach (var (path, method, operation) in OperationDefinitionPaths.Describe(document, definition, TrialTag))
                Add(path, method, operation);
        foreach (var (path, item) in paths.OrderBy(p => p.Key, StringComparer.Ordinal)) document.Paths[path] = item;
    }

    private static OpenApiParameter WithExamples(OpenApiParameter parameter, Dictionary<string, IOpenApiExample> examples)
    {
        if (examples.Count > 0) parameter.Examples = examples;
        return parameter;
    }

    private static OpenApiResponse WithExamples(OpenApiResponse response, Dictionary<string, IOpenApiExample> examples)
    {
        if (examples.Count > 0) foreach (var media in response.Content!.Values) media.Examples = examples;
        return response;
    }

    private static OpenApiRequestBody WithExamples(OpenApiRequestBody body, Dictionary<string, IOpenApiExample> examples)
    {
        if (examples.Count > 0) foreach (var media in body.Content!.Values) media.Examples = examples;
        return body;
    }

    private IOpenApiSchema TypeSchema() => Enum(registry.ResourceTypes.Order(StringComparer.Ordinal));

    private OpenApiParameter TypeParameter() => Path("type", "A FHIR R4 resource type.", TypeSchema());

    private static OpenApiParameter IdParameter(string what = "The resource's logical id.") => Path("id", what);

    private static OpenApiOperation Op(OpenApiDocument document, string tag, string id, string summary, string? description = null)
        => new()
        {
            OperationId = id, Summary = summary, Description = description,
            Tags = new HashSet<OpenApiTagReference> { new(tag, document) },
            Parameters = new List<IOpenApiParameter>(),
            Responses = new OpenApiResponses(),
        };

    private static OpenApiOperation Errors(OpenApiDocument document, OpenApiOperation op, params int[] statuses)
    {
        foreach (var status in statuses.Append(400))
            op.Responses![status.ToString()] = Response(status switch
            {
                400 => "Bad input", 404 => "Unknown resource or operation", 409 => "Version conflict", 410 => "Deleted",
                412 => "If-Match does not match", 413 => "Request too large", 422 => "Invalid against a profile", _ => "Error",
            } + " (OperationOutcome)", Ref(document, "OperationOutcome"));
        return op;
    }

    private void RestInteractions(OpenApiDocument d, Action<string, HttpMethod, OpenApiOperation> add)
    {
        var resource = Ref(d, "Resource");
        var bundle = Ref(d, "Bundle");
        const string searchDoc = "Search with the spec's SearchParameters and the trial's own (modifiers, prefixes, chaining, `_has`, "
            + "`_include`/`_revinclude`, `_sort`, `_count`, `_total`, `_summary`, `_elements`). Unknown parameters are ignored "
            + "unless `Prefer: handling=strict`.";
        var prefer = Header("Prefer", "`return=minimal|representation|OperationOutcome`; `handling=strict|lenient` for searches.");

        var metadata = Op(d, RestTag, "capabilities", "CapabilityStatement", "What this server supports: resource types, search parameters, operations, profiles.");
        metadata.Responses!["200"] = Response("The CapabilityStatement", Ref(d, "CapabilityStatement"));
        add("/fhir/metadata", HttpMethod.Get, metadata);

        var system = Errors(d, Op(d, RestTag, "search-system", "Search every resource type", searchDoc));
        system.Parameters!.Add(Query("_type", "Resource types to search, comma-separated."));
        system.Responses!["200"] = Response("A searchset Bundle", bundle);
        add("/fhir", HttpMethod.Get, system);

        var transaction = Errors(d, Op(d, RestTag, "transaction", "Transaction or batch",
            "A `transaction` Bundle is applied all or nothing (`urn:uuid:` references rewritten, conditional references resolved); "
            + "each entry of a `batch` on its own."), 409, 412, 413, 422);
        transaction.RequestBody = Body("A Bundle of type transaction or batch", bundle);
        transaction.Responses!["200"] = Response("The transaction-response or batch-response Bundle", bundle);
        add("/fhir", HttpMethod.Post, transaction);

        var systemHistory = Op(d, RestTag, "history-system", "History of every resource");
        systemHistory.Parameters!.Add(Query("_since", "Only versions since this instant.", Schema(JsonSchemaType.String, "date-time")));
        systemHistory.Parameters.Add(Query("_count", "Page size.", Schema(JsonSchemaType.Integer)));
        systemHistory.Responses!["200"] = Response("A history Bundle", bundle);
        add("/fhir/_history", HttpMethod.Get, systemHistory);

        var search = Errors(d, Op(d, RestTag, "search-type", "Search a resource type", searchDoc), 404);
        search.Parameters!.Add(TypeParameter());
        search.Parameters.Add(Query("_count", "Page size (next links page on).", Schema(JsonSchemaType.Integer)));
        search.Parameters.Add(prefer);
        search.Responses!["200"] = Response("A searchset Bundle", bundle);
        add("/fhir/{type}", HttpMethod.Get, search);

        var searchPost = Errors(d, Op(d, RestTag, "search-type-post", "Search a resource type (POST)", searchDoc), 404);
        searchPost.Parameters!.Add(TypeParameter());
        searchPost.RequestBody = Body("The search parameters as a form", Schema(JsonSchemaType.Object), "application/x-www-form-urlencoded", required: false);
        searchPost.Responses!["200"] = Response("A searchset Bundle", bundle);
        add("/fhir/{type}/_search", HttpMethod.Post, searchPost);

        var create = Errors(d, Op(d, RestTag, "create", "Create",
            "Creates a resource with a server-assigned id; `If-None-Exist` makes it conditional. A resource claiming a trial profile is validated against it."), 412, 413, 422);
        create.Parameters!.Add(TypeParameter());
        create.Parameters.Add(Header("If-None-Exist", "Search criteria: create only when nothing matches."));
        create.Parameters.Add(prefer);
        create.RequestBody = WithExamples(Body("The resource", resource), Examples.Value.Bodies());
        create.Responses!["201"] = Response("Created (Location, ETag)", resource);
        create.Responses["200"] = Response("Already exists (conditional create)", resource);
        add("/fhir/{type}", HttpMethod.Post, create);

        var conditionalUpdate = Errors(d, Op(d, RestTag, "update-conditional", "Conditional update", "Updates the one resource the query matches, or creates it."), 412, 422);
        conditionalUpdate.Parameters!.Add(TypeParameter());
        conditionalUpdate.RequestBody = Body("The resource", resource);
        conditionalUpdate.Responses!["200"] = Response("Updated", resource);
        conditionalUpdate.Responses["201"] = Response("Created", resource);
        add("/fhir/{type}", HttpMethod.Put, conditionalUpdate);

        var conditionalDelete = Errors(d, Op(d, RestTag, "delete-conditional", "Conditional delete", "Deletes what the query matches."), 412);
        conditionalDelete.Parameters!.Add(TypeParameter());
        conditionalDelete.Responses!["200"] = Response("Deleted", Ref(d, "OperationOutcome"));
        conditionalDelete.Responses["204"] = Response("Nothing matched");
        add("/fhir/{type}", HttpMethod.Delete, conditionalDelete);

        var typeHistory = Errors(d, Op(d, RestTag, "history-type", "History of a resource type"), 404);
        typeHistory.Parameters!.Add(TypeParameter());
        typeHistory.Parameters.Add(Query("_since", "Only versions since this instant.", Schema(JsonSchemaType.String, "date-time")));
        typeHistory.Responses!["200"] = Response("A history Bundle", bundle);
        add("/fhir/{type}/_history", HttpMethod.Get, typeHistory);

        var read = Errors(d, Op(d, RestTag, "read", "Read", "The current version (`ETag`, `Last-Modified`; `If-None-Match` answers 304)."), 404, 410);
        read.Parameters!.Add(TypeParameter());
        read.Parameters.Add(WithExamples(IdParameter(), Examples.Value.Ids()));
        read.Responses!["200"] = WithExamples(Response("The resource", resource), Examples.Value.Bodies());
        add("/fhir/{type}/{id}", HttpMethod.Get, read);

        var update = Errors(d, Op(d, RestTag, "update", "Update (or create with a client id)", "`If-Match: W/\"n\"` guards against lost updates."), 409, 412, 422);
        update.Parameters!.Add(TypeParameter());
        update.Parameters.Add(IdParameter());
        update.Parameters.Add(Header("If-Match", "The version the client last read, `W/\"n\"`."));
        update.Parameters.Add(prefer);
        update.RequestBody = WithExamples(Body("The resource, with the id of the URL", resource), Examples.Value.Bodies());
        update.Responses!["200"] = Response("Updated", resource);
        update.Responses["201"] = Response("Created", resource);
        add("/fhir/{type}/{id}", HttpMethod.Put, update);

        var patch = Errors(d, Op(d, RestTag, "patch", "Patch (JSON Patch)"), 404, 409, 412, 422);
        patch.Parameters!.Add(TypeParameter());
        patch.Parameters.Add(IdParameter());
        patch.Parameters.Add(Header("If-Match", "The version the client last read, `W/\"n\"`."));
        patch.RequestBody = Body("RFC 6902 operations", Schema(JsonSchemaType.Array), "application/json-patch+json");
        patch.Responses!["200"] = Response("Patched", resource);
        add("/fhir/{type}/{id}", HttpMethod.Patch, patch);

        var delete = Errors(d, Op(d, RestTag, "delete", "Delete", "A soft delete: the resource is kept in its history; a read then answers 410."), 412);
        delete.Parameters!.Add(TypeParameter());
        delete.Parameters.Add(IdParameter());
        delete.Responses!["204"] = Response("Deleted");
        add("/fhir/{type}/{id}", HttpMethod.Delete, delete);

        var history = Errors(d, Op(d, RestTag, "history-instance", "History of a resource"), 404);
        history.Parameters!.Add(TypeParameter());
        history.Parameters.Add(IdParameter());
        history.Responses!["200"] = Response("A history Bundle", bundle);
        add("/fhir/{type}/{id}/_history", HttpMethod.Get, history);

        var vread = Errors(d, Op(d, RestTag, "vread", "Read a version"), 404);
        vread.Parameters!.Add(TypeParameter());
        vread.Parameters.Add(IdParameter());
        vread.Parameters.Add(Path("version", "The version id.", Schema(JsonSchemaType.Integer)));
        vread.Responses!["200"] = Response("That version", resource);
        add("/fhir/{type}/{id}/_history/{version}", HttpMethod.Get, vread);
    }

    private static void SubscriptionWebSocket(OpenApiDocument d, Action<string, HttpMethod, OpenApiOperation> add)
    {
        var op = Errors(d, Op(d, RestTag, "subscription-websocket", "Websocket channel of Subscriptions",
            "Opens the R4 websocket channel (`ws://` or `wss://` on this path; the CapabilityStatement names it in the "
            + "`capabilitystatement-websocket` extension). Send the access token as for any request (`Authorization: Bearer`); "
            + "without one the upgrade is refused with 401. Once open, send `bind {subscription-id}` for a Subscription whose "
            + "`channel.type` is `websocket`; the server answers `bound {id}` (or `error {id} {reason}` when the client may not "
            + "read it or does not own it: a site client binds its own site's, any other client but the admin its own) and then sends `ping {id}` for every notification, followed "
            + "by the notification `history` Bundle when `channel.payload` is `application/fhir+json`. A deleted resource is "
            + "notified as a Bundle entry with request `DELETE`. `event-number` counts the subscription's own events, so a gap "
            + "is a missed one. A node with `Subscriptions:Dispatch` false refuses every bind (it delivers nothing). The "
            + "socket closes when the token expires."));
        op.Parameters!.Add(Header("Authorization", "`Bearer {access token}`, as for the REST API.", required: true));
        op.Responses!["101"] = Response("Switching protocols: the websocket is open");
        op.Responses["401"] = Response("No valid access token", Ref(d, "OperationOutcome"));
        op.Responses["403"] = Response("The token does not allow reading Subscriptions", Ref(d, "OperationOutcome"));
        add(Http.SubscriptionWebSocketEndpoint.Path, HttpMethod.Get, op);
    }

    private static void BulkExport(OpenApiDocument d, Action<string, HttpMethod, OpenApiOperation> add)
    {
        OpenApiOperation KickOff(string id, string summary, string description, bool group)
        {
            var op = Errors(d, Op(d, ExportTag, id, summary, description
                + " Answers 202 with `Content-Location`: the status URL to poll."), group ? [404] : []);
            if (group) op.Parameters!.Add(IdParameter("The Group's id (the enrollment Group `ak104-rcc-2l-eligibility` exports the study's subjects)."));
            op.Parameters!.Add(Header("Prefer", "Must be `respond-async`; `handling=lenient` ignores unsupported parameters.", required: true, example: "respond-async"));
            op.Parameters.Add(Header("Accept", "`application/fhir+json` (the format of an error).", example: "application/fhir+json"));
            op.Parameters.Add(Query("_type", "Resource types to export, comma-separated (default: all)."));
            op.Parameters.Add(Query("_since", "Only resources changed at or after this instant.", Schema(JsonSchemaType.String, "date-time")));
            op.Parameters.Add(Query("_outputFormat", "`application/fhir+ndjson` (default), `application/ndjson` or `ndjson`."));
            op.Responses!["202"] = Response("Accepted", Ref(d, "OperationOutcome"),
                headers: new Dictionary<string, IOpenApiHeader> { ["Content-Location"] = ResponseHeader("The status URL of the job") });
            return op;
        }
        add("/fhir/$export", HttpMethod.Get, KickOff("export-system", "Export everything", "Every resource on the server.", false));
        add("/fhir/Patient/$export", HttpMethod.Get, KickOff("export-patient", "Export all patients", "Every Patient and the resources of their compartments.", false));
        add("/fhir/Group/{id}/$export", HttpMethod.Get, KickOff("export-group", "Export a Group",
            "The Group's member Patients (and, for an enrollment Group, the patients of the ResearchSubjects of the ResearchStudy that enrolls into it) with their compartments.", true));

        var status = Errors(d, Op(d, ExportTag, "export-status", "Poll an export job"), 404);
        status.Parameters!.Add(Path("jobId", "The job id from the kick-off's Content-Location."));
        status.Responses!["202"] = Response("Still running", headers: new Dictionary<string, IOpenApiHeader>
        {
            ["X-Progress"] = ResponseHeader("How far the job has got"),
            ["Retry-After"] = ResponseHeader("Seconds to wait before the next poll"),
        });
        status.Responses["200"] = Response("Done: the manifest", Ref(d, "ExportManifest"), "application/json");
        status.Responses["500"] = Response("The job failed", Ref(d, "OperationOutcome"));
        add("/fhir/_export/{jobId}", HttpMethod.Get, status);

        var delete = Errors(d, Op(d, ExportTag, "export-delete", "Cancel and delete an export job", "Stops the job if it runs and removes its files."), 404);
        delete.Parameters!.Add(Path("jobId", "The job id."));
        delete.Responses!["202"] = Response("Deleted", Ref(d, "OperationOutcome"));
        add("/fhir/_export/{jobId}", HttpMethod.Delete, delete);

        var file = Errors(d, Op(d, ExportTag, "export-file", "Download an output file"), 404);
        file.Parameters!.Add(Path("jobId", "The job id."));
        file.Parameters.Add(Path("file", "The file name, as the manifest's url ends."));
        file.Responses!["200"] = Response("One resource per line", Schema(JsonSchemaType.String), "application/fhir+ndjson");
        add("/fhir/_export/{jobId}/{file}", HttpMethod.Get, file);
    }

    private void StandardOperations(OpenApiDocument d, Action<string, HttpMethod, OpenApiOperation> add)
    {
        var everything = Errors(d, Op(d, OperationsTag, "patient-everything", "Patient $everything",
            "The patient, its compartment, and the resources those reference; paged."), 404, 410);
        everything.Parameters!.Add(IdParameter("The Patient's id."));
        everything.Parameters.Add(Query("_since", "Only resources changed since this instant.", Schema(JsonSchemaType.String, "date-time")));
        everything.Parameters.Add(Query("_count", "Page size.", Schema(JsonSchemaType.Integer)));
        everything.Responses!["200"] = Response("A searchset Bundle", Ref(d, "Bundle"));
        add("/fhir/Patient/{id}/$everything", HttpMethod.Get, everything);

        foreach (var instance in new[] { false, true })
        {
            var validate = Errors(d, Op(d, OperationsTag, instance ? "validate-instance" : "validate-type", "$validate",
                "Validates against the base specification and the trial profiles (`profile=` names one)."), 404);
            validate.Parameters!.Add(TypeParameter());
            if (instance) validate.Parameters.Add(IdParameter());
            validate.Parameters.Add(Query("profile", "Canonical URL of the profile to validate against."));
            validate.RequestBody = Body("The resource, or a Parameters with `resource`", Ref(d, "Resource"), required: !instance);
            validate.Responses!["200"] = Response("The issues found", Ref(d, "OperationOutcome"));
            add(instance ? "/fhir/{type}/{id}/$validate" : "/fhir/{type}/$validate", HttpMethod.Post, validate);
        }
    }

    private IEnumerable<(string, IOpenApiSchema)> Schemas()
    {
        OpenApiSchema Resource(string description, string? type = null) => new()
        {
            Type = JsonSchemaType.Object,
            Description = description,
            Required = new HashSet<string> { "resourceType" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["resourceType"] = type is null ? Enum(registry.ResourceTypes.Order(StringComparer.Ordinal)) : Enum([type]),
                ["id"] = Schema(JsonSchemaType.String),
                ["meta"] = Schema(JsonSchemaType.Object),
            },
            AdditionalPropertiesAllowed = true,
            ExternalDocs = new OpenApiExternalDocs { Url = new Uri($"https://hl7.org/fhir/R4/{(type ?? "resourcelist").ToLowerInvariant()}.html") },
        };
        yield return ("Resource", Resource("Any FHIR R4 resource (JSON)."));
        yield return ("Bundle", Resource("A FHIR Bundle.", "Bundle"));
        yield return ("Parameters", Resource("A FHIR Parameters resource: the input and output of operations.", "Parameters"));
        yield return ("OperationOutcome", Resource("Errors and warnings.", "OperationOutcome"));
        yield return ("CapabilityStatement", Resource("The server's capabilities.", "CapabilityStatement"));
        var entry = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = Schema(JsonSchemaType.String, description: "Resource type of the file"),
                ["url"] = Schema(JsonSchemaType.String, "uri"),
                ["count"] = Schema(JsonSchemaType.Integer, description: "Resources in the file"),
            },
        };
        yield return ("ExportManifest", new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "The Bulk Data completion manifest.",
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["transactionTime"] = Schema(JsonSchemaType.String, "date-time"),
                ["request"] = Schema(JsonSchemaType.String, "uri"),
                ["requiresAccessToken"] = Schema(JsonSchemaType.Boolean),
                ["output"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = entry },
                ["error"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = entry },
            },
        });
    }
}
