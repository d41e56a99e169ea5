using System.Net;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Search;
using FhirTrial.Fhir.Security;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Engine;

/// <summary>Processes transaction Bundles (atomic, in one store transaction) and batch Bundles (each entry on its own).</summary>
public sealed class BundleProcessor(ResourceService resources, SearchService search)
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

    /// <summary>The write entries run as one transaction of <see cref="ResourceService"/> (the rules of a single request,
    /// entry by entry); reads run after the commit.</summary>
    private async Task<RawBundle> TransactionAsync(Bundle bundle, RequestContext context, CancellationToken ct)
    {
        var requests = bundle.Entry.Select((e, i) => (Index: i, Request: PlannedEntry.RequestOf(e, i))).ToList();
        var writes = requests.Where(r => !IsRead(r.Request)).Select(r => new PlannedEntry { Index = r.Index, Request = r.Request }).ToList();
        var results = new RawEntry?[bundle.Entry.Count];
        var outcomes = await resources.RunAsync(writes, labelled: true, ct);
        for (int i = 0; i < writes.Count; i++) results[writes[i].Index] = Response(context, writes[i].Request, outcomes[i]);
        foreach (var (index, request) in requests.Where(r => IsRead(r.Request)))
            results[index] = await ReadEntryAsync(request, context, ct);
        return new RawBundle(Bundle.BundleType.TransactionResponse, null, [], results.Select(r => r!).ToList());
    }

    private async Task<RawBundle> BatchAsync(Bundle bundle, RequestContext context, CancellationToken ct)
    {
        var results = new List<RawEntry>();
        for (int i = 0; i < bundle.Entry.Count; i++)
        {
            try
            {
                var request = PlannedEntry.RequestOf(bundle.Entry[i], i);
                if (IsRead(request))
                {
                    results.Add(await ReadEntryAsync(request, context, ct));
                    continue;
                }
                var outcomes = await resources.RunAsync([new PlannedEntry { Index = i, Request = request }], labelled: true, ct);
                results.Add(Response(context, request, outcomes[0]));
            }
            catch (FhirException e)
            {
                results.Add(new RawEntry(null, null, Response: new RawResponse(Status(e.Status), OutcomeJson: FhirSerializer.ToJson(e.Outcome))));
            }
        }
        return new RawBundle(Bundle.BundleType.BatchResponse, null, [], results);
    }

    private static bool IsRead(WriteRequest request) => request.Method is Bundle.HTTPVerb.GET or Bundle.HTTPVerb.HEAD;

    private async Task<RawEntry> ReadEntryAsync(WriteRequest entry, RequestContext context, CancellationToken ct)
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

    /// <summary>The entry's response: as the single request would answer, in Bundle form.</summary>
    private static RawEntry Response(RequestContext context, WriteRequest request, WriteOutcome outcome)
    {
        if (request.Method == Bundle.HTTPVerb.DELETE)
        {
            var deletion = outcome.Deletion;
            // A conditional delete that deleted answers 200, as the single request does; otherwise 204.
            var status = request.Criteria is not null && outcome.DeletedCount > 0 ? "200 OK" : "204 No Content";
            return new RawEntry(null, null, Response: new RawResponse(status, deletion is null ? null : $"{deletion.Type}/{deletion.Id}/_history/{deletion.Version}",
                deletion is null ? null : FhirText.ETag(deletion.Version)));
        }
        var result = outcome.Written!;
        var s = result.Stored;
        var body = context.Return switch
        {
            ReturnPreference.Representation => s.Json,
            _ => null,
        };
        return new RawEntry($"{context.BaseUrl}/{s.Type}/{s.Id}", body,
            Response: new RawResponse(result.Created ? "201 Created" : "200 OK", $"{s.Type}/{s.Id}/_history/{s.Version}", FhirText.ETag(s.Version), s.LastUpdated));
    }

    private static string Status(HttpStatusCode code) => $"{(int)code} {code}";
}
