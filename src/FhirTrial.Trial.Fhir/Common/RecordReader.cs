using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Search;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Common;

/// <summary>Reads the resources a trial operation needs from the store, as Firely POCOs (search criteria as in a query string).</summary>
public sealed class RecordReader(IFhirStore store, SearchParser parser)
{
    private const int PageSize = SearchParser.MaxCount;

    /// <summary>The current version, or null when unknown or deleted.</summary>
    public async Task<T?> ReadAsync<T>(string id, CancellationToken ct) where T : Resource
    {
        var type = ModelInfoName<T>();
        var stored = await store.ReadAsync(type, id, ct);
        return stored is null || stored.Deleted ? null : (T)FhirSerializer.ParseJson(stored.Json);
    }

    /// <summary>The current version; 404 when unknown or deleted.</summary>
    public async Task<T> RequireAsync<T>(string id, CancellationToken ct) where T : Resource =>
        await ReadAsync<T>(id, ct) ?? throw FhirException.NotFound($"{ModelInfoName<T>()}/{id} is not known.");

    /// <summary>Several resources by reference (<c>Type/id</c>); unknown ones are left out.</summary>
    public async Task<IReadOnlyDictionary<string, Resource>> ReadManyAsync(IEnumerable<string> references, CancellationToken ct)
    {
        var keys = references
            .Select(ReferenceKey)
            .OfType<ResourceKey>()
            .Distinct()
            .ToArray();
        if (keys.Length == 0) return new Dictionary<string, Resource>();
        var stored = await store.ReadManyAsync(keys, ct);
        return stored.Where(s => !s.Deleted)
            .ToDictionary(s => s.Reference, s => FhirSerializer.ParseJson(s.Json), StringComparer.Ordinal);
    }

    /// <summary>Every match of a search (all pages). Criteria use the query-string syntax: <c>("code", "http://loinc.org|718-7")</c>.</summary>
    public async Task<IReadOnlyList<T>> SearchAsync<T>(CancellationToken ct, params (string Name, string Value)[] criteria) where T : Resource
    {
        var type = ModelInfoName<T>();
        var query = parser.Parse(type, criteria.Select(c => new KeyValuePair<string, string>(c.Name, c.Value)), strict: true).Query
            with { Count = PageSize, CountTotal = false };
        var results = new List<T>();
        for (var offset = 0; ; offset += PageSize)
        {
            var page = await store.SearchAsync(query with { Offset = offset }, ct);
            results.AddRange(page.Resources.Where(r => !r.Deleted).Select(r => (T)FhirSerializer.ParseJson(r.Json)));
            if (page.Resources.Count < PageSize) break;
        }
        return results;
    }

    /// <summary>Every current resource of type <typeparamref name="T"/> that references one of the Patients under
    /// <paramref name="param"/> and meets the <paramref name="criteria"/> (query-string syntax): one query for the
    /// whole set, however many patients.</summary>
    public async Task<IReadOnlyList<T>> ReadForPatientsAsync<T>(string param, IReadOnlyCollection<string> patientIds, CancellationToken ct,
        params (string Name, string Value)[] criteria) where T : Resource
    {
        var type = ModelInfoName<T>();
        var more = criteria.Length == 0 ? []
            : parser.Parse(type, criteria.Select(c => new KeyValuePair<string, string>(c.Name, c.Value)), strict: true).Query.Criteria.ToArray();
        var stored = await store.ReadReferringAsync(type, param, "Patient", patientIds, ct, more);
        return stored.Select(r => (T)FhirSerializer.ParseJson(r.Json)).ToList();
    }

    /// <summary>The <c>Type/id</c> of a local reference (also an absolute URL ending in one); null otherwise.</summary>
    public static ResourceKey? ReferenceKey(string? reference)
    {
        if (string.IsNullOrWhiteSpace(reference) || reference.StartsWith('#')) return null;
        var path = reference.Split('|')[0].Split("/_history/")[0].TrimEnd('/');
        var parts = path.Split('/');
        if (parts.Length < 2) return null;
        var type = parts[^2];
        var id = parts[^1];
        return ModelInfo.IsKnownResource(type) && id.Length > 0 ? new ResourceKey(type, id) : null;
    }

    /// <summary>The id of a reference to the given type (<c>Patient/123</c> -> <c>123</c>), else null.</summary>
    public static string? IdOf(ResourceReference? reference, string type) =>
        ReferenceKey(reference?.Reference) is { } key && key.Type == type ? key.Id : null;

    private static string ModelInfoName<T>() where T : Resource =>
        ModelInfo.GetFhirTypeNameForType(typeof(T)) ?? typeof(T).Name;
}
