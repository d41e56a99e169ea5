using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Search;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Storage;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;

namespace FhirTrial.Fhir.Engine;

/// <summary>Runs searches and history and shapes their Bundles: includes, paging links, summaries.</summary>
public sealed class SearchService(IFhirStore store, SearchParser parser)
{
    private const int MaxIncluded = 5000;
    private const int MaxIterations = 5;

    public SearchParser Parser => parser;

    public async Task<RawBundle> SearchAsync(string? type, IReadOnlyList<KeyValuePair<string, string>> parameters, RequestContext context, CancellationToken ct)
    {
        if (type is not null) ResourceService.RequireType(type);
        var request = parser.Parse(type, parameters, context.StrictHandling);
        var page = await store.SearchAsync(request.Query, ct);
        var entries = page.Resources.Select(r => Entry(context, r, "match", request)).ToList();
        if (request.Summary != SummaryType.Count)
            entries.AddRange((await IncludedAsync(request, page.Resources, ct)).Select(r => Entry(context, r, "include", request)));
        if (request.IgnoredParameters.Count > 0)
        {
            var outcome = Outcomes.Single(OperationOutcome.IssueSeverity.Warning, OperationOutcome.IssueType.NotSupported,
                $"Ignored unknown search parameters: {string.Join(", ", request.IgnoredParameters)}.");
            entries.Add(new RawEntry(null, FhirSerializer.ToJson(outcome), "outcome"));
        }
        var links = PagingLinks(context, type, request, page);
        return new RawBundle(Bundle.BundleType.Searchset, page.Total, links, entries);
    }

    private async Task<List<StoredResource>> IncludedAsync(SearchRequest request, IReadOnlyList<StoredResource> matches, CancellationToken ct)
    {
        var seen = matches.Select(r => new ResourceKey(r.Type, r.Id)).ToHashSet();
        var included = new List<StoredResource>();
        var frontier = matches.ToList();
        for (int round = 0; round < MaxIterations && frontier.Count > 0 && included.Count < MaxIncluded; round++)
        {
            var next = new List<StoredResource>();
            foreach (var spec in request.Includes.Where(s => round == 0 || s.Iterate))
            {
                var sources = frontier.Where(r => r.Type == spec.SourceType).Select(r => r.Key).ToList();
                var keys = await store.ReferencesFromAsync(sources, spec.Param, spec.TargetType, ct);
                foreach (var found in await store.ReadManyAsync(keys.Where(k => !seen.Contains(k)).ToList(), ct))
                    if (seen.Add(new ResourceKey(found.Type, found.Id))) next.Add(found);
            }
            foreach (var spec in request.RevIncludes.Where(s => round == 0 || s.Iterate))
            {
                var targets = frontier.Select(r => (SearchValue)new ReferenceValue(r.Type, r.Id, null)).ToList();
                foreach (var chunk in targets.Chunk(200))
                {
                    var query = new SearchQuery(spec.SourceType,
                        [new ValueCriterion(spec.Param, SearchParamType.Reference, SearchModifier.None, chunk)], [], MaxIncluded, 0, false);
                    foreach (var found in (await store.SearchAsync(query, ct)).Resources)
                        if (seen.Add(new ResourceKey(found.Type, found.Id))) next.Add(found);
                }
            }
            included.AddRange(next);
            frontier = next;
        }
        return included;
    }

    private static RawEntry Entry(RequestContext context, StoredResource r, string mode, SearchRequest request)
        => new($"{context.BaseUrl}/{r.Type}/{r.Id}", Shape(r.Json, request.Summary, request.Elements), mode);

    /// <summary>Stored JSON as it is, unless the client asked for a summary or a subset of elements.</summary>
    public static string Shape(string json, SummaryType summary, IReadOnlyList<string> elements)
    {
        if (summary == SummaryType.False && elements.Count == 0) return json;
        var resource = FhirSerializer.ParseJson(json);
        resource.Meta ??= new Meta();
        if (!resource.Meta.Tag.Any(t => t.Code == "SUBSETTED"))
            resource.Meta.Tag.Add(new Coding("http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "SUBSETTED"));
        // id and meta (with its SUBSETTED tag) are kept whatever was asked: a subset still says what it is.
        return FhirSerializer.ToJson(resource, summary, elements.Count > 0 ? elements.Union(["id", "meta"]).ToArray() : null);
    }

    private static List<(string, string)> PagingLinks(RequestContext context, string? type, SearchRequest request, SearchPage page)
    {
        var path = $"{context.BaseUrl}/{(type is null ? "" : type)}";
        string Url(int offset) => $"{path}?{string.Join("&", request.EchoParameters.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}").Append($"_count={request.Query.Count}").Append($"_offset={offset}"))}";
        var links = new List<(string, string)> { ("self", Url(request.Query.Offset)) };
        var count = request.Query.Count;
        if (count > 0)
        {
            links.Add(("first", Url(0)));
            var more = page.Total is int total ? request.Query.Offset + count < total : page.Resources.Count == count;
            if (more) links.Add(("next", Url(request.Query.Offset + count)));
            if (request.Query.Offset > 0) links.Add(("previous", Url(Math.Max(0, request.Query.Offset - count))));
            if (page.Total is int t && t > 0) links.Add(("last", Url((t - 1) / count * count)));
        }
        return links;
    }

    public async Task<RawBundle> HistoryAsync(string? type, string? id, IReadOnlyList<KeyValuePair<string, string>> parameters, RequestContext context, CancellationToken ct)
    {
        if (type is not null) ResourceService.RequireType(type);
        int count = SearchParser.DefaultCount, offset = 0;
        DateTimeOffset? since = null, at = null;
        foreach (var (name, value) in parameters)
        {
            switch (name)
            {
                case "_count": count = Math.Clamp(int.TryParse(value, out var c) ? c : throw FhirException.BadRequest("_count must be an integer."), 1, SearchParser.MaxCount); break;
                case "_offset": offset = Math.Max(0, int.TryParse(value, out var o) ? o : throw FhirException.BadRequest("_offset must be an integer.")); break;
                case "_since": since = Instant(name, value); break;
                case "_at": at = Instant(name, value); break;
            }
        }
        if (type is not null && id is not null && await store.ReadAsync(type, id, ct) is null)
            throw FhirException.NotFound($"{type}/{id} is not known.");
        var page = await store.HistoryAsync(new HistoryQuery(type, id, since, at, count, offset), ct);
        var entries = page.Versions.Select(v => new RawEntry(
            $"{context.BaseUrl}/{v.Type}/{v.Id}",
            v.Deleted ? null : v.Json,
            Request: new RawRequest(v.Deleted ? "DELETE" : v.Method, v.Method == "POST" && !v.Deleted ? v.Type : $"{v.Type}/{v.Id}"),
            Response: new RawResponse(v.Deleted ? "204" : v.Version == 1 ? "201" : "200", $"{v.Type}/{v.Id}/_history/{v.Version}",
                FhirText.ETag(v.Version), v.LastUpdated))).ToList();
        var path = $"{context.BaseUrl}/{string.Join("/", new[] { type, id }.OfType<string>())}{(type is null ? "" : "/")}_history";
        var links = new List<(string, string)> { ("self", $"{path}?_count={count}&_offset={offset}") };
        if (offset + count < page.Total) links.Add(("next", $"{path}?_count={count}&_offset={offset + count}"));
        if (offset > 0) links.Add(("previous", $"{path}?_count={count}&_offset={Math.Max(0, offset - count)}"));
        return new RawBundle(Bundle.BundleType.History, page.Total, links, entries);
    }

    private static DateTimeOffset Instant(string name, string value)
        => DateRange.TryParse(value, out var r) ? new DateTimeOffset(r.Low, TimeSpan.Zero)
            : throw FhirException.BadRequest($"'{value}' is not a valid instant for {name}.");

    /// <summary><c>Patient/{id}/$everything</c>: the patient, its compartment, and what those resources reference; paged.</summary>
    public async Task<RawBundle> EverythingAsync(string id, IReadOnlyList<KeyValuePair<string, string>> parameters, RequestContext context, CancellationToken ct)
    {
        var patient = await store.ReadAsync("Patient", id, ct);
        if (patient is null) throw FhirException.NotFound($"Patient/{id} is not known.");
        if (patient.Deleted) throw FhirException.Gone($"Patient/{id} was deleted.");
        int count = 200, offset = 0;
        var criteria = new List<SearchCriterion> { new CompartmentCriterion("Patient", id) };
        var types = new List<string>();
        foreach (var (name, value) in parameters)
        {
            if (name == "_type") types.AddRange(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            if (name == "_count" && int.TryParse(value, out var c)) count = Math.Clamp(c, 1, SearchParser.MaxCount);
            else if (name == "_offset" && int.TryParse(value, out var o)) offset = Math.Max(0, o);
            else if (name == "_since") criteria.Add(new ValueCriterion("_lastUpdated", SearchParamType.Date, SearchModifier.None,
                [new DateValue(SearchPrefix.Ge, DateRange.TryParse(value, out var r) ? r : throw FhirException.BadRequest("_since must be an instant."))]));
        }
        criteria.Add(CompartmentTypes(types));
        var page = await store.SearchAsync(new SearchQuery(null, criteria, [], count, offset, true), ct);
        var members = page.Resources.Where(r => !(r.Type == "Patient" && r.Id == id)).ToList();
        var seen = members.Select(r => new ResourceKey(r.Type, r.Id)).Append(new ResourceKey("Patient", id)).ToHashSet();
        var referenced = await store.ReferencesFromAsync(members.Select(m => m.Key).Append(patient.Key).ToList(), null, null, ct);
        var extra = await store.ReadManyAsync(referenced.Where(k => k.Type != "Patient" && !seen.Contains(k)).ToList(), ct);
        var entries = new List<RawEntry>();
        if (offset == 0) entries.Add(new RawEntry($"{context.BaseUrl}/Patient/{id}", patient.Json, "match"));
        entries.AddRange(members.Select(r => new RawEntry($"{context.BaseUrl}/{r.Type}/{r.Id}", r.Json, "match")));
        entries.AddRange(extra.Select(r => new RawEntry($"{context.BaseUrl}/{r.Type}/{r.Id}", r.Json, "include")));
        var path = $"{context.BaseUrl}/Patient/{id}/$everything";
        var links = new List<(string, string)> { ("self", $"{path}?_count={count}&_offset={offset}") };
        if (page.Total is int total && offset + count < total) links.Add(("next", $"{path}?_count={count}&_offset={offset + count}"));
        if (offset > 0) links.Add(("previous", $"{path}?_count={count}&_offset={Math.Max(0, offset - count)}"));
        return new RawBundle(Bundle.BundleType.Searchset, (page.Total ?? 0) + 1, links, entries);
    }

    /// <summary>The types of a patient's record: those <c>_type</c> names, else all but the server's own AuditEvents, which
    /// name the patient but are the server's trail of who looked, not the patient's data.</summary>
    public static SearchCriterion CompartmentTypes(IReadOnlyCollection<string> requested)
        => requested.Count > 0 ? new TypeCriterion(requested.ToList()) : new TypeCriterion(["AuditEvent"], Exclude: true);
}
