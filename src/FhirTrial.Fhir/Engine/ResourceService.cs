using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Indexing;
using FhirTrial.Fhir.Search;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Storage;
using FhirTrial.Fhir.Subscriptions;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Engine;

/// <summary>
/// The FHIR instance and type interactions: versioning, conditional operations, soft delete, and referential integrity
/// over the store. Every write, a single request or a Bundle entry, is a <see cref="WriteRequest"/> carried out by
/// <see cref="TransactionAsync"/> (a single request is a transaction of one), so each rule is written once.
/// </summary>
public sealed partial class ResourceService(IFhirStore store, IndexExtractor extractor, SearchParser parser, IWriteValidator validator,
    WriteRules? rules = null, SubscriptionWrites? subscriptions = null)
{
    public IFhirStore Store => store;

    public WriteRules Rules { get; } = rules ?? WriteRules.Default;

    public async Task<StoredResource> ReadAsync(string type, string id, CancellationToken ct)
    {
        RequireType(type);
        var stored = await store.ReadAsync(type, id, ct) ?? throw FhirException.NotFound($"{type}/{id} is not known.");
        if (stored.Deleted) throw FhirException.Gone($"{type}/{id} was deleted (version {stored.Version}).");
        return stored;
    }

    public async Task<StoredResource> ReadVersionAsync(string type, string id, int version, CancellationToken ct)
    {
        RequireType(type);
        var stored = await store.ReadVersionAsync(type, id, version, ct)
            ?? throw FhirException.NotFound($"{type}/{id} has no version {version}.");
        if (stored.Deleted) throw FhirException.Gone($"{type}/{id} version {version} is a deletion.");
        return stored;
    }

    /// <summary>Create; with <paramref name="ifNoneExist"/>, returns the single existing match instead (200).</summary>
    public async Task<WriteResult> CreateAsync(Resource resource, string? ifNoneExist, CancellationToken ct)
        => (await SingleAsync(WriteRequest.Create(resource, ifNoneExist), ct)).Written!;

    public async Task<WriteResult> UpdateAsync(string type, string id, Resource resource, int? ifMatch, CancellationToken ct)
        => (await SingleAsync(WriteRequest.Update(type, id, resource, ifMatch), ct)).Written!;

    public async Task<WriteResult> ConditionalUpdateAsync(string type, string criteria, Resource resource, CancellationToken ct)
        => (await SingleAsync(WriteRequest.ConditionalUpdate(type, criteria, resource), ct)).Written!;

    public async Task<WriteResult> PatchAsync(string type, string id, string jsonPatch, int? ifMatch, CancellationToken ct)
        => (await SingleAsync(WriteRequest.Patch(type, id, jsonPatch, ifMatch), ct)).Written!;

    public Task<WriteResult?> DeleteAsync(string type, string id, CancellationToken ct) => DeleteAsync(type, id, null, false, ct);

    /// <summary>Soft delete: a new version marked deleted; history keeps every earlier version. Null when it was already
    /// deleted (the spec's no-op); 404 when it never existed (to a site, another site's resource is one of those).</summary>
    public async Task<WriteResult?> DeleteAsync(string type, string id, int? ifMatch, bool cascade, CancellationToken ct)
    {
        var outcome = await SingleAsync(WriteRequest.Delete(type, id, ifMatch, cascade), ct);
        return outcome.Deletion is null ? null : new WriteResult(outcome.Deletion, Created: false);
    }

    public async Task<int> ConditionalDeleteAsync(string type, string criteria, CancellationToken ct)
        => (await ConditionalDeleteAsync(type, criteria, false, ct)).DeletedCount;

    public Task<WriteOutcome> ConditionalDeleteAsync(string type, string criteria, bool cascade, CancellationToken ct)
        => SingleAsync(WriteRequest.ConditionalDelete(type, criteria, cascade), ct);

    /// <summary>Carries out the writes in one store transaction: all or nothing, in the FHIR transaction order
    /// (deletes, creates, updates and patches), with every reference checked against the outcome.</summary>
    public Task<IReadOnlyList<WriteOutcome>> TransactionAsync(IReadOnlyList<WriteRequest> requests, CancellationToken ct)
        => RunAsync(requests.Select((r, i) => new PlannedEntry { Index = i, Request = r }).ToList(), labelled: false, ct);

    private async Task<WriteOutcome> SingleAsync(WriteRequest request, CancellationToken ct)
        => (await RunAsync([new PlannedEntry { Index = 0, Request = request }], labelled: false, ct))[0];

    /// <summary>Stamps id, version and time on the resource and indexes it, ready for the store.</summary>
    public ResourceWrite Prepare(Resource resource, string id, int version, string method)
    {
        ValidateId(id);
        if (resource is Subscription subscription) subscriptions?.Accept(subscription);
        resource.Id = id;
        resource.Meta ??= new Meta();
        resource.Meta.VersionId = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var now = DateTimeOffset.UtcNow;
        resource.Meta.LastUpdated = now;
        var json = FhirSerializer.ToJson(resource);
        return new ResourceWrite(resource.TypeName, id, version, now, false, json, extractor.Extract(resource), method);
    }

    public SearchQuery ParseCondition(string type, string criteria)
    {
        var pairs = QueryString.Parse(criteria.TrimStart('?'));
        if (pairs.Count == 0) throw FhirException.BadRequest("A conditional request needs search criteria.");
        var request = parser.Parse(type, pairs, strict: true);
        if (request.Query.Criteria.Count == 0) throw FhirException.BadRequest("A conditional request needs search criteria.");
        return request.Query with { Count = 2 };
    }

    public static string NewId() => Guid.NewGuid().ToString("N");

    public static void RequireType(string type)
    {
        if (!IsResourceType(type)) throw FhirException.NotFound($"'{type}' is not a FHIR R4 resource type.");
    }

    private static readonly HashSet<string> ResourceTypes = new(
        ModelInfo.SupportedResources.Where(t => t is not ("Resource" or "DomainResource")), StringComparer.Ordinal);

    /// <summary>True for a concrete R4 resource type spelled as the spec spells it: Firely's own lookup also takes
    /// <c>patient</c>, which every other rule (access, audit, storage) would then see as another type.</summary>
    public static bool IsResourceType(string type) => ResourceTypes.Contains(type);

    private static void ValidateId(string id)
    {
        if (id.Length is 0 or > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.'))
            throw FhirException.BadRequest($"'{id}' is not a valid FHIR id (1-64 of A-Z a-z 0-9 - .).");
    }
}

/// <summary>The result of a write: what was stored, and whether it created the resource.</summary>
public sealed record WriteResult(StoredResource Stored, bool Created, bool Unchanged = false);
