using System.Net;
using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Search;

namespace FhirTrial.Fhir.Subscriptions;

/// <summary>A subscription's <c>criteria</c> (<c>Type?search</c>) as the server's own search query.</summary>
public static class SubscriptionCriteria
{
    /// <summary>The type and query; 422 naming <c>Subscription.criteria</c> when it is not a search this server runs.</summary>
    public static (string Type, SearchQuery Query) Parse(SearchParser parser, string? criteria)
    {
        if (string.IsNullOrWhiteSpace(criteria)) throw Invalid("Subscription.criteria is required (a search such as AdverseEvent?seriousness=...).");
        var question = criteria.IndexOf('?');
        var type = question < 0 ? criteria : criteria[..question];
        if (!ResourceService.IsResourceType(type)) throw Invalid($"Subscription.criteria must start with a resource type; '{type}' is not one.");
        List<KeyValuePair<string, string>> pairs = question < 0 ? [] : QueryString.Parse(criteria[(question + 1)..]);
        if (pairs.FirstOrDefault(p => ResultShaping.Any(r => p.Key == r || p.Key.StartsWith(r + ":", StringComparison.Ordinal))) is { Key: { } shaping })
            throw Invalid($"Subscription.criteria may hold search conditions only, not {shaping}.");
        SearchQuery query;
        try
        {
            query = parser.Parse(type, pairs, strict: true).Query;
        }
        catch (FhirException e) when (e.Status == HttpStatusCode.BadRequest)
        {
            throw Invalid($"Subscription.criteria is not a search this server runs: {e.Message}");
        }
        // Criteria run inside every write of their type, whoever writes: their cost is everyone's, so they are held far
        // below what one search may ask.
        var values = query.Criteria.Sum(Values);
        if (query.Criteria.Count > MaxCriteria || values > MaxValues || query.Criteria.Any(c => Links(c) > MaxLinks))
            throw Invalid($"Subscription.criteria may hold at most {MaxCriteria} conditions with {MaxValues} values in all, each through at most "
                + $"{MaxLinks} chained or _has links: they are matched inside every write of {type}.");
        return (type, query with { Sort = [], Offset = 0, CountTotal = false });
    }

    public const int MaxCriteria = 10;

    public const int MaxValues = 50;

    public const int MaxLinks = 2;

    private static int Links(SearchCriterion criterion) => criterion switch
    {
        ChainCriterion c => 1 + Links(c.Inner),
        HasCriterion h => 1 + Links(h.Inner),
        AllCriterion a => a.Criteria.Count == 0 ? 0 : a.Criteria.Max(Links),
        _ => 0,
    };

    private static int Values(SearchCriterion criterion) => criterion switch
    {
        ValueCriterion v => v.AnyOf.Count,
        ChainCriterion c => Values(c.Inner),
        HasCriterion h => Values(h.Inner),
        AllCriterion a => a.Criteria.Sum(Values),
        _ => 1,
    };

    /// <summary>Parameters that shape a result Bundle rather than say what matches.</summary>
    private static readonly string[] ResultShaping =
        ["_sort", "_count", "_include", "_revinclude", "_summary", "_elements", "_total", "_contained", "_containedType", "_format", "_pretty"];

    private static FhirException Invalid(string message) => FhirException.Unprocessable(message, "Subscription.criteria");
}
