using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Indexing;
using FhirTrial.Fhir.Search;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Engine;

/// <summary>The FHIR instance and type interactions: versioning, conditional operations and soft delete over the store.</summary>
public sealed class ResourceService(IFhirStore store, IndexExtractor extractor, SearchParser parser, IWriteValidator validator)
{
    public IFhirStore Store => store;

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

    public async Task<WriteResult> CreateAsync(Resource resource, string? ifNoneExist, CancellationToken ct)
    {
        RequireType(resource.TypeName);
        await validator.ValidateAsync(resource, ct);
        var condition = ifNoneExist is null ? null : ParseCondition(resource.TypeName, ifNoneExist);
        return await store.WriteAsync(tx => CreateInAsync(tx, resource, condition, null, ct), ct);
    }

    /// <summary>Creates inside an open transaction; with a condition, returns the single existing match instead (200).</summary>
    public async Task<WriteResult> CreateInAsync(IStoreTransaction tx, Resource resource, SearchQuery? condition, string? assignedId, CancellationToken ct)
    {
        if (condition is not null)
        {
            var matches = await tx.FindIdsAsync(condition, 2, ct);
            if (matches.Count > 1) throw FhirException.PreconditionFailed($"If-None-Exist matched {matches.Count} or more {resource.TypeName} resources.");
            if (matches.Count == 1)
            {
                var existing = await tx.ReadForUpdateAsync(resource.TypeName, matches[0], ct);
                return new WriteResult(existing!, Created: false, Unchanged: true);
            }
        }
        var id = assignedId ?? NewId();
        return new WriteResult(await PutVersionAsync(tx, resource, id, 1, "POST", ct), Created: true);
    }

    public async Task<WriteResult> UpdateAsync(string type, string id, Resource resource, int? ifMatch, CancellationToken ct)
    {
        RequireType(type);
        CheckBodyMatches(type, id, resource);
        await validator.ValidateAsync(resource, ct);
        return await store.WriteAsync(tx => UpdateInAsync(tx, id, resource, ifMatch, ct), ct);
    }

    public async Task<WriteResult> UpdateInAsync(IStoreTransaction tx, string id, Resource resource, int? ifMatch, CancellationToken ct)
    {
        ValidateId(id);
        var current = await tx.ReadForUpdateAsync(resource.TypeName, id, ct);
        if (ifMatch is not null && current is null) throw FhirException.NotFound($"{resource.TypeName}/{id} is not known.");
        if (ifMatch is int expected && (current!.Deleted || current.Version != expected))
            throw FhirException.PreconditionFailed($"If-Match W/\"{expected}\" does not match the current version of {resource.TypeName}/{id} ({current?.Version.ToString() ?? "none"}).");
        var version = (current?.Version ?? 0) + 1;
        var created = current is null || current.Deleted;
        return new WriteResult(await PutVersionAsync(tx, resource, id, version, "PUT", ct), created);
    }

    public async Task<WriteResult> ConditionalUpdateAsync(string type, string criteria, Resource resource, CancellationToken ct)
    {
        RequireType(type);
        if (resource.TypeName != type) throw FhirException.BadRequest($"The body is a {resource.TypeName}, not a {type}.");
        await validator.ValidateAsync(resource, ct);
        var condition = ParseCondition(type, criteria);
        return await store.WriteAsync(tx => ConditionalUpdateInAsync(tx, condition, resource, ct), ct);
    }

    public async Task<WriteResult> ConditionalUpdateInAsync(IStoreTransaction tx, SearchQuery condition, Resource resource, CancellationToken ct)
    {
        var matches = await tx.FindIdsAsync(condition, 2, ct);
        if (matches.Count > 1) throw FhirException.PreconditionFailed($"The conditional update matched more than one {resource.TypeName}.");
        if (matches.Count == 1)
        {
            if (resource.Id is not null && resource.Id != matches[0])
                throw FhirException.BadRequest($"The body's id '{resource.Id}' differs from the matched {resource.TypeName}/{matches[0]}.");
            return await UpdateInAsync(tx, matches[0], resource, null, ct);
        }
        var id = resource.Id ?? NewId();
        var existing = resource.Id is null ? null : await tx.ReadForUpdateAsync(resource.TypeName, id, ct);
        if (existing is { Deleted: false }) throw FhirException.Conflict($"{resource.TypeName}/{id} exists but does not match the condition.");
        return new WriteResult(await PutVersionAsync(tx, resource, id, (existing?.Version ?? 0) + 1, "PUT", ct), Created: true);
    }

    public async Task<WriteResult> PatchAsync(string type, string id, string jsonPatch, int? ifMatch, CancellationToken ct)
    {
        RequireType(type);
        var current = await ReadAsync(type, id, ct);
        var patched = JsonPatcher.Apply(current.Json, jsonPatch);
        var resource = FhirSerializer.ParseJson(patched);
        CheckBodyMatches(type, id, resource);
        await validator.ValidateAsync(resource, ct);
        return await store.WriteAsync(tx => UpdateInAsync(tx, id, resource, ifMatch ?? current.Version, ct), ct);
    }

    public async Task<WriteResult?> DeleteAsync(string type, string id, CancellationToken ct)
    {
        RequireType(type);
        return await store.WriteAsync(tx => DeleteInAsync(tx, type, id, ct), ct);
    }

    /// <summary>Soft delete: a new version marked deleted; history keeps every earlier version. Null when it was already
    /// deleted (the spec's no-op); 404 when it never existed (to a site, another site's resource is one of those).</summary>
    public async Task<WriteResult?> DeleteInAsync(IStoreTransaction tx, string type, string id, CancellationToken ct)
    {
        var current = await tx.ReadForUpdateAsync(type, id, ct) ?? throw FhirException.NotFound($"{type}/{id} is not known.");
        if (current.Deleted) return null;
        var write = new ResourceWrite(type, id, current.Version + 1, DateTimeOffset.UtcNow, true, current.Json, [], "DELETE");
        return new WriteResult(await tx.PutAsync(write, ct), Created: false);
    }

    public async Task<int> ConditionalDeleteAsync(string type, string criteria, CancellationToken ct)
    {
        RequireType(type);
        var condition = ParseCondition(type, criteria);
        return await store.WriteAsync(tx => ConditionalDeleteInAsync(tx, condition, ct), ct);
    }

    public async Task<int> ConditionalDeleteInAsync(IStoreTransaction tx, SearchQuery condition, CancellationToken ct)
    {
        var matches = await tx.FindIdsAsync(condition, 2, ct);
        if (matches.Count > 1) throw FhirException.PreconditionFailed($"The conditional delete matched more than one {condition.ResourceType}.");
        foreach (var id in matches) await DeleteInAsync(tx, condition.ResourceType!, id, ct);
        return matches.Count;
    }

    /// <summary>Stamps id, version and time on the resource, indexes it and stores it.</summary>
    public Task<StoredResource> PutVersionAsync(IStoreTransaction tx, Resource resource, string id, int version, string method, CancellationToken ct)
        => tx.PutAsync(Prepare(resource, id, version, method), ct);

    public ResourceWrite Prepare(Resource resource, string id, int version, string method)
    {
        ValidateId(id);
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

    private static void CheckBodyMatches(string type, string id, Resource resource)
    {
        if (resource.TypeName != type) throw FhirException.BadRequest($"The body is a {resource.TypeName}, not a {type}.");
        if (resource.Id is null) throw FhirException.BadRequest("An update needs the resource id in the body.", $"{type}.id");
        if (resource.Id != id) throw FhirException.BadRequest($"The body's id '{resource.Id}' differs from the URL's '{id}'.", $"{type}.id");
    }

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
