using FhirTrial.Fhir.Search;

namespace FhirTrial.Fhir.Storage;

/// <summary>Reads the resources that belong to a set of subjects, one query per type however many subjects.</summary>
public static class ReferringReads
{
    // One page holds everything: offset paging would run the lookup again for every earlier page.
    private const int PageSize = 1_000_000;

    /// <summary>
    /// Every current resource of <paramref name="type"/> that references one of <paramref name="targetIds"/> (of
    /// <paramref name="targetType"/>) under <paramref name="param"/>, and meets the <paramref name="more"/> criteria.
    /// It is a search, so a guarded store puts the caller's site restriction into the same query (ADR 0003).
    /// </summary>
    public static async Task<IReadOnlyList<StoredResource>> ReadReferringAsync(this IFhirStore store, string type, string param,
        string targetType, IReadOnlyCollection<string> targetIds, CancellationToken ct, params SearchCriterion[] more)
    {
        if (targetIds.Count == 0) return [];
        var query = new SearchQuery(type, [new ReferenceSetCriterion(param, targetType, targetIds.Distinct(StringComparer.Ordinal).ToList()), .. more],
            [], PageSize, 0, false);
        var results = new List<StoredResource>();
        for (var offset = 0; ; offset += PageSize)
        {
            var page = await store.SearchAsync(query with { Offset = offset }, ct);
            results.AddRange(page.Resources.Where(r => !r.Deleted));
            if (page.Resources.Count < PageSize) return results;
        }
    }
}
