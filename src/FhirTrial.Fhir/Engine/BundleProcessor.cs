using System.Net;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Search;
using FhirTrial.Fhir.Security;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Engine;

/// <summary>Processes transaction Bundles (atomic, in one store transaction) and batch Bundles (each entry on its own).</summary>
public sealed class BundleProcessor(ResourceService resources, SearchService search, IWriteValidator validator)
{
    public const int MaxEntries = 10_000;

    public async Task<RawBundle> ProcessAsync(Bundle bundle, RequestContext context, CancellationToken ct)
    {
        if (bundle.Entry.Count > MaxEntries) throw FhirException.TooLarge($"A Bundle may hold at most {MaxEntries} entries.");
        return bundle.Type switch
        {
            Bundle.BundleType.Transaction => await TransactionAsync(bundle, context, ct),
            Bundle.BundleType.Batch => await BatchAsync(bundle, context, ct),
            _ => throw FhirException.BadRequest("Only transaction and batch Bundles can be posted to the base URL.", "Bundle.type"),
        };
    }

    private async Task<RawBundle> TransactionAsync(Bundle bundle, RequestContext context, CancellationToken ct)
    {
        var planned = bundle.Entry.Select((e, i) => PlannedEntry.From(e, i)).ToList();
        CheckDuplicates(planned);
        var entries = planned;
        var results = new RawEntry?[planned.Count];
        await resources.Store.WriteAsync(async tx =>
        {
            // A store may run this work again after a serialization failure: every attempt starts from the entries as sent.
            entries = planned.Select(e => e.ForAttempt()).ToList();
            Array.Clear(results);
            var map = await AssignIdsAsync(tx, entries, ct);
            foreach (var entry in entries.Where(e => e.Resource is not null))
                await Guard(entry, () => RewriteAsync(tx, entry, map, ct));
            foreach (var entry in entries.Where(e => e.Resource is not null))
                await Guard(entry, () => validator.ValidateAsync(entry.Resource!, ct));

            foreach (var entry in entries.Where(e => e.Method == Bundle.HTTPVerb.DELETE))
                results[entry.Index] = await Guard(entry, () => DeleteAsync(tx, entry, ct));
            var fresh = new List<(PlannedEntry Entry, ResourceWrite Write)>();
            foreach (var entry in entries.Where(e => e.Method == Bundle.HTTPVerb.POST))
            {
                if (entry.Existing is not null)
                {
                    results[entry.Index] = Response(context, new WriteResult(entry.Existing, false, true), entry);
                    continue;
                }
                fresh.Add((entry, await Guard(entry, () => System.Threading.Tasks.Task.FromResult(resources.Prepare(entry.Resource!, entry.AssignedId!, 1, "POST")))));
            }
            await tx.PutManyAsync(fresh.Select(f => f.Write).ToList(), ct);
            foreach (var (entry, write) in fresh)
                results[entry.Index] = Response(context, new WriteResult(new StoredResource(0, write.Type, write.Id, 1, write.LastUpdated, false, write.Json, "POST"), true), entry);
            foreach (var entry in entries.Where(e => e.Method is Bundle.HTTPVerb.PUT or Bundle.HTTPVerb.PATCH))
                results[entry.Index] = await Guard(entry, () => UpdateAsync(tx, entry, context, ct));
            return 0;
        }, ct);
        foreach (var entry in entries.Where(e => e.Method is Bundle.HTTPVerb.GET or Bundle.HTTPVerb.HEAD))
            results[entry.Index] = await ReadEntryAsync(entry, context, ct);
        return new RawBundle(Bundle.BundleType.TransactionResponse, null, [], results.Select(r => r!).ToList());
    }

    private async Task<RawBundle> BatchAsync(Bundle bundle, RequestContext context, CancellationToken ct)
    {
        var results = new List<RawEntry>();
        for (int i = 0; i < bundle.Entry.Count; i++)
        {
            try
            {
                var entry = PlannedEntry.From(bundle.Entry[i], i);
                if (entry.Method is Bundle.HTTPVerb.GET or Bundle.HTTPVerb.HEAD)
                {
                    results.Add(await ReadEntryAsync(entry, context, ct));
                    continue;
                }
                if (entry.Resource is not null) await validator.ValidateAsync(entry.Resource, ct);
                var sent = entry;
                var result = await resources.Store.WriteAsync(async tx =>
                {
                    entry = sent.ForAttempt();
                    var map = await AssignIdsAsync(tx, [entry], ct);
                    if (entry.Resource is not null) await RewriteAsync(tx, entry, map, ct);
                    return entry.Method switch
                    {
                        Bundle.HTTPVerb.DELETE => await DeleteAsync(tx, entry, ct),
                        Bundle.HTTPVerb.POST when entry.Existing is not null => Response(context, new WriteResult(entry.Existing, false, true), entry),
                        Bundle.HTTPVerb.POST => Response(context, new WriteResult(await resources.PutVersionAsync(tx, entry.Resource!, entry.AssignedId!, 1, "POST", ct), true), entry),
                        _ => await UpdateAsync(tx, entry, context, ct),
                    };
                }, ct);
                results.Add(result);
            }
            catch (FhirException e)
            {
                results.Add(new RawEntry(null, null, Response: new RawResponse(Status(e.Status), OutcomeJson: FhirSerializer.ToJson(e.Outcome))));
            }
        }
        return new RawBundle(Bundle.BundleType.BatchResponse, null, [], results);
    }

    /// <summary>Resolves conditional creates and updates, then gives every created resource its id, mapping fullUrls to references.</summary>
    private async Task<Dictionary<string, string>> AssignIdsAsync(IStoreTransaction tx, IReadOnlyList<PlannedEntry> entries, CancellationToken ct)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            await Guard(entry, async () =>
            {
                if (entry.Method == Bundle.HTTPVerb.POST)
                {
                    if (entry.IfNoneExist is not null)
                    {
                        var matches = await tx.FindIdsAsync(resources.ParseCondition(entry.Type, entry.IfNoneExist), 2, ct);
                        if (matches.Count > 1) throw FhirException.PreconditionFailed($"If-None-Exist matched more than one {entry.Type}.");
                        if (matches.Count == 1) entry.Existing = await tx.ReadForUpdateAsync(entry.Type, matches[0], ct);
                    }
                    entry.AssignedId = entry.Existing?.Id ?? ResourceService.NewId();
                }
                else if (entry.Method is Bundle.HTTPVerb.PUT && entry.Criteria is not null)
                {
                    var matches = await tx.FindIdsAsync(resources.ParseCondition(entry.Type, entry.Criteria), 2, ct);
                    if (matches.Count > 1) throw FhirException.PreconditionFailed($"The conditional update matched more than one {entry.Type}.");
                    entry.AssignedId = matches.Count == 1 ? matches[0] : entry.Resource?.Id ?? ResourceService.NewId();
                }
                else entry.AssignedId = entry.Id;
                if (entry.FullUrl is not null && entry.AssignedId is not null) map[entry.FullUrl] = $"{entry.Type}/{entry.AssignedId}";
                return 0;
            });
        }
        return map;
    }

    private async Task RewriteAsync(IStoreTransaction tx, PlannedEntry entry, Dictionary<string, string> map, CancellationToken ct)
    {
        foreach (var reference in ReferenceRewriter.References(entry.Resource!))
        {
            if (reference.Reference is not { } text) continue;
            if (map.TryGetValue(text, out var target)) reference.Reference = target;
            else if (text.StartsWith("urn:uuid:", StringComparison.Ordinal) || text.StartsWith("urn:oid:", StringComparison.Ordinal))
                throw FhirException.BadRequest($"Reference '{text}' names no entry of this Bundle.");
            else if (text.Contains('?'))
            {
                var type = text[..text.IndexOf('?')];
                ResourceService.RequireType(type);
                var ids = await tx.FindIdsAsync(resources.ParseCondition(type, text[(text.IndexOf('?') + 1)..]), 2, ct);
                if (ids.Count != 1) throw FhirException.PreconditionFailed($"Conditional reference '{text}' matched {(ids.Count == 0 ? "nothing" : "more than one resource")}.");
                reference.Reference = $"{type}/{ids[0]}";
            }
        }
        foreach (var uri in ReferenceRewriter.Uris(entry.Resource!))
            if (uri.JsonValue is string s && map.TryGetValue(s, out var target)) uri.JsonValue = target;
    }

    private async Task<RawEntry> DeleteAsync(IStoreTransaction tx, PlannedEntry entry, CancellationToken ct)
    {
        if (entry.Criteria is not null)
        {
            await resources.ConditionalDeleteInAsync(tx, resources.ParseCondition(entry.Type, entry.Criteria), ct);
            return new RawEntry(null, null, Response: new RawResponse("204 No Content"));
        }
        var deleted = await resources.DeleteInAsync(tx, entry.Type, entry.Id!, ct);
        return new RawEntry(null, null, Response: new RawResponse("204 No Content", deleted is null ? null : $"{entry.Type}/{entry.Id}/_history/{deleted.Stored.Version}",
            deleted is null ? null : FhirText.ETag(deleted.Stored.Version)));
    }

    private async Task<RawEntry> UpdateAsync(IStoreTransaction tx, PlannedEntry entry, RequestContext context, CancellationToken ct)
    {
        if (entry.Method == Bundle.HTTPVerb.PATCH)
        {
            var current = await tx.ReadForUpdateAsync(entry.Type, entry.Id!, ct);
            if (current is null || current.Deleted) throw FhirException.NotFound($"{entry.Type}/{entry.Id} is not known.");
            var patched = FhirSerializer.ParseJson(JsonPatcher.Apply(current.Json, entry.PatchJson!));
            await validator.ValidateAsync(patched, ct);
            return Response(context, await resources.UpdateInAsync(tx, entry.Id!, patched, entry.IfMatch ?? current.Version, ct), entry);
        }
        var resource = entry.Resource!;
        if (entry.Criteria is null && resource.Id != entry.Id)
            throw FhirException.BadRequest($"The entry's resource id '{resource.Id}' differs from its request url id '{entry.Id}'.");
        resource.Id = entry.AssignedId;
        return Response(context, await resources.UpdateInAsync(tx, entry.AssignedId!, resource, entry.IfMatch, ct), entry);
    }

    private async Task<RawEntry> ReadEntryAsync(PlannedEntry entry, RequestContext context, CancellationToken ct)
    {
        // each read entry is audited on its own, whatever the Bundle's writes did
        using var audited = AccessContext.BeginEntry(new FhirInteraction(entry.Id is null ? "search-type" : "read", entry.Type, entry.Id), entry.Criteria);
        try
        {
            if (entry.Id is not null)
            {
                var stored = await resources.ReadAsync(entry.Type, entry.Id, ct);
                return new RawEntry($"{context.BaseUrl}/{stored.Type}/{stored.Id}", stored.Json,
                    Response: new RawResponse("200 OK", null, FhirText.ETag(stored.Version), stored.LastUpdated));
            }
            var bundle = await search.SearchAsync(entry.Type, QueryString.Parse(entry.Criteria ?? ""), context, ct);
            return new RawEntry(null, FhirText.Utf8(bundle.ToJsonBytes()), Response: new RawResponse("200 OK"));
        }
        catch (FhirException e)
        {
            return new RawEntry(null, null, Response: new RawResponse(Status(e.Status), OutcomeJson: FhirSerializer.ToJson(e.Outcome)));
        }
    }

    private static RawEntry Response(RequestContext context, WriteResult result, PlannedEntry entry)
    {
        var s = result.Stored;
        var status = result.Created ? "201 Created" : "200 OK";
        var body = context.Return switch
        {
            ReturnPreference.Representation => s.Json,
            _ => null,
        };
        return new RawEntry($"{context.BaseUrl}/{s.Type}/{s.Id}", body,
            Response: new RawResponse(status, $"{s.Type}/{s.Id}/_history/{s.Version}", FhirText.ETag(s.Version), s.LastUpdated));
    }

    private static void CheckDuplicates(IReadOnlyList<PlannedEntry> entries)
    {
        var fullUrls = entries.Where(e => e.FullUrl is not null).GroupBy(e => e.FullUrl).FirstOrDefault(g => g.Count() > 1);
        if (fullUrls is not null) throw FhirException.BadRequest($"fullUrl '{fullUrls.Key}' appears more than once in the transaction.");
        var targets = entries.Where(e => e.Id is not null && e.Method != Bundle.HTTPVerb.GET).GroupBy(e => $"{e.Type}/{e.Id}").FirstOrDefault(g => g.Count() > 1);
        if (targets is not null) throw FhirException.BadRequest($"{targets.Key} is changed by more than one entry of the transaction.");
    }

    private static async Task<T> Guard<T>(PlannedEntry entry, Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (FhirException e)
        {
            foreach (var issue in e.Outcome.Issue)
            {
                issue.Diagnostics = $"Bundle.entry[{entry.Index}]: {issue.Diagnostics}";
                if (issue.Expression.Any()) issue.Expression = issue.Expression.Select(x => $"Bundle.entry[{entry.Index}].resource.{x}").ToList();
            }
            throw;
        }
    }

    private static Task Guard(PlannedEntry entry, Func<Task> work) => Guard(entry, async () => { await work(); return 0; });

    private static string Status(HttpStatusCode code) => $"{(int)code} {code}";
}
