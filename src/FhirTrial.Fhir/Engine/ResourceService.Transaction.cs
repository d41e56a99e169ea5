using System.Net;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Security;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Storage;
using FhirTrial.Fhir.Subscriptions;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Engine;

public sealed partial class ResourceService
{
    /// <summary>Most resources one <c>_cascade=delete</c> may delete; beyond it the delete is refused, not cut short.</summary>
    public const int MaxCascade = 10_000;

    /// <summary>Records about resources, not data that depends on them: their references never block a delete. (The
    /// server's AuditEvents and Provenances point at versions, which history keeps.)</summary>
    public static readonly IReadOnlyList<string> RecordTypes = ["AuditEvent", "Provenance"];

    /// <summary>How many referrers a refused delete names.</summary>
    private const int ReferrersNamed = 10;

    /// <summary>How many dangling references a refused write names.</summary>
    private const int DanglingNamed = 20;

    /// <summary>
    /// Carries out <paramref name="planned"/> in one store transaction. <paramref name="labelled"/> (Bundle entries)
    /// prefixes every error with the entry it concerns.
    /// </summary>
    internal async Task<IReadOnlyList<WriteOutcome>> RunAsync(IReadOnlyList<PlannedEntry> planned, bool labelled, CancellationToken ct)
    {
        foreach (var entry in planned) Guard(labelled, entry, () => CheckShape(entry.Request));
        if (planned.Count > 1) CheckDuplicates(planned);

        // A body whose references need no rewriting is validated before the transaction, outside its locks. (One the
        // validator does not check is left to the cheap call in the transaction: finding its links is a walk of its tree.)
        var fullUrls = planned.Select(e => e.Request.FullUrl).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var validated = new HashSet<int>(); // slots
        for (int slot = 0; slot < planned.Count; slot++)
        {
            var entry = planned[slot];
            if (entry.Request.Resource is null || !validator.Checks(entry.Request.Resource) || NeedsRewrite(entry.Request.Resource, fullUrls)) continue;
            await GuardAsync(labelled, entry, () => validator.ValidateAsync(entry.Request.Resource, ct));
            validated.Add(slot);
        }

        var subscribed = subscriptions is null ? [] : await subscriptions.ActiveAsync(ct);
        subscriptions?.CheckQuota(planned.Select(e => e.Request).ToList(), subscribed);
        var notified = 0;
        var outcomes = await store.WriteAsync(async tx =>
        {
            // A store may run this work again after a serialization failure: every attempt starts from the requests as sent.
            var run = new TransactionRun(this, tx, planned.Select((e, slot) => e.ForAttempt(slot)).ToList(), labelled, subscribed, ct);
            await run.ResolveAsync();
            await run.RewriteAsync();
            foreach (var entry in run.Entries.Where(e => e.Resource is not null && !validated.Contains(e.Slot)))
                await GuardAsync(labelled, entry, () => validator.ValidateAsync(entry.Resource!, ct));
            await run.WriteAsync();
            if (Rules.ReferentialIntegrity) await run.CheckReferencesAsync();
            await run.CheckReferrersAsync();
            // The outbox rows commit with the change they report, or not at all.
            if (subscribed.Count > 0)
                notified = await subscriptions!.EnqueueAsync(tx,
                    run.Outcomes.Select(o => o.Written).Where(w => w is { Unchanged: false }).Select(w => w!.Stored).ToList(), run.Deletions, subscribed, ct);
            return run.Outcomes;
        }, ct);
        subscriptions?.Committed(planned.Any(e => e.Request.Type == AccessPolicy.Subscription), notified);
        return outcomes;
    }

    /// <summary>What a request must be on its own, before anything is read.</summary>
    private static void CheckShape(WriteRequest request)
    {
        RequireType(request.Type);
        if (request.Resource is { } resource && resource.TypeName != request.Type)
            throw FhirException.BadRequest($"The body is {Errors.Wording.A(resource.TypeName)}, not {Errors.Wording.A(request.Type)}.");
        if (request.Id is { } id) ValidateId(id);
        if (request.Method == Bundle.HTTPVerb.PUT && request.Criteria is null)
        {
            if (request.Resource!.Id is null) throw FhirException.BadRequest("An update needs the resource id in the body.", $"{request.Type}.id");
            if (request.Resource.Id != request.Id)
                throw FhirException.BadRequest($"The body's id '{request.Resource.Id}' differs from the URL's '{request.Id}'.", $"{request.Type}.id");
        }
        if (request.Cascade && request.Method != Bundle.HTTPVerb.DELETE) throw FhirException.BadRequest("_cascade applies to deletes only.");
    }

    private static bool NeedsRewrite(Resource resource, HashSet<string> fullUrls)
    {
        var (references, uris) = ReferenceRewriter.Links(resource);
        foreach (var reference in references)
            if (reference.Reference is { } text && (text.StartsWith("urn:", StringComparison.Ordinal) || IsConditional(text) || fullUrls.Contains(text)))
                return true;
        return fullUrls.Count > 0 && uris.Any(u => u.JsonValue is string s && fullUrls.Contains(s));
    }

    /// <summary>A conditional reference, <c>Type?criteria</c> (a URL with a query is not one).</summary>
    private static bool IsConditional(string reference)
    {
        var question = reference.IndexOf('?');
        return question > 0 && reference.AsSpan(0, question).IndexOfAny('/', ':') < 0;
    }

    private static void CheckDuplicates(IReadOnlyList<PlannedEntry> entries)
    {
        var fullUrls = entries.Where(e => e.Request.FullUrl is not null).GroupBy(e => e.Request.FullUrl).FirstOrDefault(g => g.Count() > 1);
        if (fullUrls is not null) throw FhirException.BadRequest($"fullUrl '{fullUrls.Key}' appears more than once in the transaction.");
        var targets = entries.Where(e => e.Id is not null).GroupBy(e => $"{e.Type}/{e.Id}").FirstOrDefault(g => g.Count() > 1);
        if (targets is not null) throw FhirException.BadRequest($"{targets.Key} is changed by more than one entry of the transaction.");
    }

    private static void Guard(bool labelled, PlannedEntry entry, Action work)
    {
        try { work(); }
        catch (FhirException e) when (labelled) { throw Label(e, entry); }
    }

    private static async Task<T> GuardAsync<T>(bool labelled, PlannedEntry entry, Func<Task<T>> work)
    {
        try { return await work(); }
        catch (FhirException e) when (labelled) { throw Label(e, entry); }
    }

    private static Task GuardAsync(bool labelled, PlannedEntry entry, Func<Task> work)
        => GuardAsync(labelled, entry, async () => { await work(); return 0; });

    /// <summary>Names the Bundle entry in every issue of the error (once, however deep it was raised).</summary>
    private static FhirException Label(FhirException e, PlannedEntry entry)
    {
        var prefix = $"Bundle.entry[{entry.Index}]";
        foreach (var issue in e.Outcome.Issue)
        {
            if (issue.Diagnostics?.StartsWith(prefix, StringComparison.Ordinal) == true) continue;
            issue.Diagnostics = $"{prefix}: {issue.Diagnostics}";
            if (issue.Expression.Any()) issue.Expression = issue.Expression.Select(x => $"{prefix}.resource.{x}").ToList();
        }
        return e;
    }

    /// <summary>One attempt of a transaction: its entries as copied for the attempt, and what they resolve to.</summary>
    private sealed class TransactionRun(ResourceService service, IStoreTransaction tx, List<PlannedEntry> entries, bool labelled,
        IReadOnlyList<Subscriptions.ActiveSubscription> subscribed, CancellationToken ct)
    {
        private readonly Dictionary<string, string> _fullUrls = new(StringComparer.Ordinal);
        private readonly WriteOutcome[] _outcomes = new WriteOutcome[entries.Count];

        /// <summary>Resources this transaction deletes, with the entry whose delete (or cascade) it is.</summary>
        private readonly Dictionary<ResourceKey, PlannedEntry> _deleted = [];

        /// <summary>The referrers of each target deleted without a cascade, as the caller saw them before the delete.</summary>
        private readonly Dictionary<ResourceKey, IReadOnlyList<ReferrerLink>> _blockers = [];

        /// <summary>Resources this transaction creates or updates: references to them resolve without a lookup.</summary>
        private readonly HashSet<ResourceKey> _written = [];

        /// <summary>Subscription notifications of the deletions, matched before each was made.</summary>
        private readonly List<PendingNotification> _deletions = [];

        public IReadOnlyList<PlannedEntry> Entries => entries;
        public IReadOnlyList<WriteOutcome> Outcomes => _outcomes;
        public IReadOnlyList<PendingNotification> Deletions => _deletions;

        private Task GuardAsync(PlannedEntry entry, Func<Task> work) => ResourceService.GuardAsync(labelled, entry, work);

        /// <summary>Resolves conditional creates, updates and deletes, then gives every created resource its id and maps fullUrls to it.</summary>
        public async Task ResolveAsync()
        {
            foreach (var entry in entries)
            {
                await GuardAsync(entry, async () =>
                {
                    switch (entry.Method)
                    {
                        case Bundle.HTTPVerb.POST:
                            if (entry.Request.IfNoneExist is { } ifNoneExist)
                            {
                                var matches = await tx.FindIdsAsync(service.ParseCondition(entry.Type, ifNoneExist), 2, ct);
                                if (matches.Count > 1) throw FhirException.PreconditionFailed($"If-None-Exist matched {matches.Count} or more {entry.Type} resources.");
                                if (matches.Count == 1) entry.Existing = await tx.ReadForUpdateAsync(entry.Type, matches[0], ct);
                            }
                            entry.AssignedId = entry.Existing?.Id ?? NewId();
                            break;
                        case Bundle.HTTPVerb.PUT when entry.Criteria is { } criteria:
                            entry.AssignedId = await ConditionalTargetAsync(entry, criteria);
                            break;
                        case Bundle.HTTPVerb.DELETE when entry.Criteria is { } criteria:
                        {
                            var matches = await tx.FindIdsAsync(service.ParseCondition(entry.Type, criteria), 2, ct);
                            if (matches.Count > 1) throw FhirException.PreconditionFailed($"The conditional delete matched more than one {entry.Type}.");
                            entry.AssignedId = matches.Count == 1 ? matches[0] : null;
                            break;
                        }
                        default:
                            entry.AssignedId = entry.Id;
                            break;
                    }
                    if (entry.Request.FullUrl is { } fullUrl && entry.AssignedId is not null && entry.Method is Bundle.HTTPVerb.POST or Bundle.HTTPVerb.PUT)
                        _fullUrls[fullUrl] = $"{entry.Type}/{entry.AssignedId}";
                });
            }
        }

        /// <summary>The id a conditional update writes: the single match, or for none the body's id (when that names no other
        /// current resource) or a new one.</summary>
        private async Task<string> ConditionalTargetAsync(PlannedEntry entry, string criteria)
        {
            var matches = await tx.FindIdsAsync(service.ParseCondition(entry.Type, criteria), 2, ct);
            if (matches.Count > 1) throw FhirException.PreconditionFailed($"The conditional update matched more than one {entry.Type}.");
            var bodyId = entry.Resource!.Id;
            if (matches.Count == 1)
            {
                if (bodyId is not null && bodyId != matches[0])
                    throw FhirException.BadRequest($"The body's id '{bodyId}' differs from the matched {entry.Type}/{matches[0]}.", $"{entry.Type}.id");
                return matches[0];
            }
            if (bodyId is null) return NewId();
            ValidateId(bodyId);
            if (await tx.ReadForUpdateAsync(entry.Type, bodyId, ct) is { Deleted: false })
                throw FhirException.Conflict($"{entry.Type}/{bodyId} exists but does not match the condition.");
            return bodyId;
        }

        /// <summary>Points fullUrl references at the ids just assigned and resolves conditional references.</summary>
        public async Task RewriteAsync()
        {
            foreach (var entry in entries.Where(e => e.Resource is not null))
                await GuardAsync(entry, async () =>
                {
                    var (references, uris) = entry.Links();
                    foreach (var reference in references)
                    {
                        if (reference.Reference is not { } text) continue;
                        if (_fullUrls.TryGetValue(text, out var target)) reference.Reference = target;
                        else if (text.StartsWith("urn:uuid:", StringComparison.Ordinal) || text.StartsWith("urn:oid:", StringComparison.Ordinal))
                            throw FhirException.BadRequest($"Reference '{text}' names no entry of this transaction.");
                        else if (IsConditional(text))
                        {
                            var type = text[..text.IndexOf('?')];
                            RequireType(type);
                            var ids = await tx.FindIdsAsync(service.ParseCondition(type, text[(text.IndexOf('?') + 1)..]), 2, ct);
                            if (ids.Count != 1) throw FhirException.PreconditionFailed($"Conditional reference '{text}' matched {(ids.Count == 0 ? "nothing" : "more than one resource")}.");
                            reference.Reference = $"{type}/{ids[0]}";
                        }
                    }
                    foreach (var uri in uris)
                        if (uri.JsonValue is string s && _fullUrls.TryGetValue(s, out var target)) uri.JsonValue = target;
                });
        }

        /// <summary>The writes in the FHIR transaction order: deletes, creates, then updates and patches.</summary>
        public async Task WriteAsync()
        {
            // Every deletion is planned (and matched against subscriptions) while all it concerns still stands.
            var deletions = new List<(PlannedEntry Entry, List<StoredResource> Doomed)>();
            foreach (var entry in entries.Where(e => e.Method == Bundle.HTTPVerb.DELETE))
                await GuardAsync(entry, async () =>
                {
                    if (await PlanDeleteAsync(entry) is { } doomed) deletions.Add((entry, doomed));
                });
            await NoticeDeletionsAsync(deletions.SelectMany(d => d.Doomed).ToList());
            foreach (var (entry, doomed) in deletions)
                await GuardAsync(entry, async () =>
                {
                    StoredResource? last = null;
                    foreach (var current in doomed) last = await DeleteVersionAsync(current);
                    _outcomes[entry.Slot] = new WriteOutcome(null, last, doomed.Count);
                });

            var fresh = new List<(PlannedEntry Entry, ResourceWrite Write)>();
            foreach (var entry in entries.Where(e => e.Method == Bundle.HTTPVerb.POST))
            {
                if (entry.Existing is not null)
                {
                    _outcomes[entry.Slot] = new WriteOutcome(new WriteResult(entry.Existing, false, true));
                    entry.Resource = null; // nothing written: its body's references are not this transaction's
                    continue;
                }
                await GuardAsync(entry, () =>
                {
                    fresh.Add((entry, service.Prepare(entry.Resource!, entry.AssignedId!, 1, "POST")));
                    return System.Threading.Tasks.Task.CompletedTask;
                });
                _written.Add(new ResourceKey(entry.Type, entry.AssignedId!));
            }
            await tx.PutManyAsync(fresh.Select(f => f.Write).ToList(), ct);
            foreach (var (entry, write) in fresh)
                _outcomes[entry.Slot] = new WriteOutcome(new WriteResult(SubscriptionHeaders.Withhold(
                    new StoredResource(0, write.Type, write.Id, 1, write.LastUpdated, false, write.Json, "POST")), Created: true));

            foreach (var entry in entries.Where(e => e.Method is Bundle.HTTPVerb.PUT or Bundle.HTTPVerb.PATCH))
                await GuardAsync(entry, () => UpdateAsync(entry));
        }

        /// <summary>What a delete entry will delete, its cascade first (deepest first) and the target last; null when there
        /// is nothing to delete. Nothing is deleted yet.</summary>
        private async Task<List<StoredResource>?> PlanDeleteAsync(PlannedEntry entry)
        {
            if (entry.AssignedId is not { } id)
            {
                if (entry.Request.IfMatch is int none) throw FhirException.PreconditionFailed($"If-Match W/\"{none}\": nothing matched to delete.");
                _outcomes[entry.Slot] = new WriteOutcome(null);
                return null;
            }
            var current = await tx.ReadForUpdateAsync(entry.Type, id, ct) ?? throw FhirException.NotFound($"{entry.Type}/{id} is not known.");
            CheckIfMatch(entry, current);
            var target = new ResourceKey(entry.Type, id);
            if (current.Deleted || _deleted.ContainsKey(target)) // deleted before, or by another entry's cascade
            {
                _outcomes[entry.Slot] = new WriteOutcome(null);
                return null;
            }
            // Referrers are looked at while the target still stands: to a site, a patient's data is visible through the patient.
            var doomed = new List<StoredResource>();
            if (entry.Request.Cascade) doomed.AddRange(await CascadeAsync(target));
            else if (service.Rules.ReferentialIntegrity)
                _blockers[target] = (await tx.ReferrersAsync([target], RecordTypes, ReferrersNamed + 1, ct)).Visible;
            doomed.Add(current);
            foreach (var resource in doomed) _deleted[new ResourceKey(resource.Type, resource.Id)] = entry;
            return doomed;
        }

        /// <summary>What references <paramref name="root"/>, and what references those, deepest first, so that each is still
        /// visible (through its patient) to the caller when it is deleted; read for update, not yet deleted.</summary>
        private async Task<List<StoredResource>> CascadeAsync(ResourceKey root)
        {
            var seen = new HashSet<ResourceKey> { root };
            var order = new List<ResourceKey>();
            IReadOnlyCollection<ResourceKey> frontier = [root];
            while (frontier.Count > 0)
            {
                var referrers = await tx.ReferrersAsync(frontier, RecordTypes, MaxCascade + 1, ct);
                if (referrers.HiddenTargets.Count > 0) throw HiddenReferrers(referrers.HiddenTargets[0]);
                var next = referrers.Visible.Select(l => l.Referrer).Where(k => !_deleted.ContainsKey(k) && seen.Add(k)).ToList();
                order.AddRange(next);
                if (order.Count > MaxCascade) throw FhirException.Conflict($"_cascade=delete would delete more than {MaxCascade} resources; delete in parts.");
                frontier = next;
            }
            var doomed = new List<StoredResource>();
            for (int i = order.Count - 1; i >= 0; i--)
                if (await tx.ReadForUpdateAsync(order[i].Type, order[i].Id, ct) is { Deleted: false } current) doomed.Add(current);
            return doomed;
        }

        /// <summary>Matches resources about to be deleted against the active subscriptions (a deletion leaves no index rows to match).</summary>
        private async Task NoticeDeletionsAsync(IReadOnlyList<StoredResource> doomed)
        {
            if (subscribed.Count > 0 && doomed.Count > 0)
                _deletions.AddRange(await service.Notifier!.MatchDeletionsAsync(tx, doomed, subscribed, ct));
        }

        private static FhirException HiddenReferrers(ResourceKey target)
            => FhirException.Conflict($"{target} is referenced by resources you may not see or change, so it cannot be deleted.");

        private Task<StoredResource> DeleteVersionAsync(StoredResource current)
            => tx.PutAsync(new ResourceWrite(current.Type, current.Id, current.Version + 1, DateTimeOffset.UtcNow, true, current.Json, [], "DELETE"), ct);

        private static void CheckIfMatch(PlannedEntry entry, StoredResource? current)
        {
            if (entry.Request.IfMatch is int expected && (current is null || current.Deleted || current.Version != expected))
                throw FhirException.PreconditionFailed(
                    $"If-Match W/\"{expected}\" does not match the current version of {entry.Type}/{entry.AssignedId} ({(current is null or { Deleted: true } ? "none" : current.Version.ToString(System.Globalization.CultureInfo.InvariantCulture))}).");
        }

        private async Task UpdateAsync(PlannedEntry entry)
        {
            var id = entry.AssignedId!;
            var current = await tx.ReadForUpdateAsync(entry.Type, id, ct);
            if (entry.Method == Bundle.HTTPVerb.PATCH)
            {
                if (current is null) throw FhirException.NotFound($"{entry.Type}/{id} is not known.");
                if (current.Deleted) throw FhirException.Gone($"{entry.Type}/{id} was deleted (version {current.Version}).");
                CheckIfMatch(entry, current);
                var patched = FhirSerializer.ParseJson(JsonPatcher.Apply(current.Json, entry.Request.PatchJson!));
                if (patched.TypeName != entry.Type || patched.Id != id)
                    throw FhirException.BadRequest($"A patch may not change the resource's type or id ({entry.Type}/{id}).", $"{entry.Type}.id");
                await service.Validator.ValidateAsync(patched, ct);
                entry.Resource = patched;
            }
            else
            {
                if (entry.Request.IfMatch is not null && current is null) throw FhirException.NotFound($"{entry.Type}/{id} is not known.");
                CheckIfMatch(entry, current);
            }
            var created = current is null || current.Deleted;
            var stored = await tx.PutAsync(service.Prepare(entry.Resource!, id, (current?.Version ?? 0) + 1, "PUT"), ct);
            _outcomes[entry.Slot] = new WriteOutcome(new WriteResult(stored, created));
            _written.Add(new ResourceKey(entry.Type, id));
        }

        /// <summary>Every local reference of what was written resolves to a current resource, or to one this transaction
        /// writes; looked up in one query per type, after all the writes, so deletes and updates of this transaction count.</summary>
        public async Task CheckReferencesAsync()
        {
            var wanted = new Dictionary<string, Dictionary<string, LocalReference>>(StringComparer.Ordinal); // type -> id -> highest version named
            foreach (var entry in entries.Where(e => e.Resource is not null))
                foreach (var reference in LocalReferences.Of(entry.Links().References))
                {
                    if (_written.Contains(new ResourceKey(reference.Type, reference.Id))) continue;
                    if (!wanted.TryGetValue(reference.Type, out var ids)) wanted[reference.Type] = ids = new(StringComparer.Ordinal);
                    if (!ids.TryGetValue(reference.Id, out var named) || (named.Version ?? 0) < (reference.Version ?? 0)) ids[reference.Id] = reference;
                }
            if (wanted.Count == 0) return;
            var missing = new HashSet<ResourceKey>();
            foreach (var (type, ids) in wanted)
            {
                var current = await tx.CurrentVersionsAsync(type, ids.Keys, ct);
                foreach (var (id, reference) in ids)
                    if (!reference.ResolvesTo(current.TryGetValue(id, out var v) ? v : null)) missing.Add(new ResourceKey(type, id));
            }
            if (missing.Count == 0) return;

            // The error path: name each dangling reference by its element.
            foreach (var entry in entries.Where(e => e.Resource is not null))
            {
                var issues = LocalReferences.WithPaths(entry.Resource!)
                    .Where(r => missing.Contains(new ResourceKey(r.Target.Type, r.Target.Id)) && !_written.Contains(new ResourceKey(r.Target.Type, r.Target.Id)))
                    .Take(DanglingNamed)
                    .Select(r => new OperationOutcome.IssueComponent
                    {
                        Severity = OperationOutcome.IssueSeverity.Error,
                        Code = OperationOutcome.IssueType.NotFound,
                        Diagnostics = $"{r.Path} references {r.Target}, which does not exist on this server"
                            + (_deleted.ContainsKey(new ResourceKey(r.Target.Type, r.Target.Id)) ? " once this transaction deletes it." : "."),
                        Expression = [r.Path],
                    }).ToList();
                if (issues.Count == 0) continue;
                var error = new FhirException(HttpStatusCode.UnprocessableEntity, new OperationOutcome { Issue = issues });
                throw labelled ? Label(error, entry) : error;
            }
            throw FhirException.Unprocessable($"References to {string.Join(", ", missing.Take(DanglingNamed))} do not resolve.");
        }

        /// <summary>What still references a deleted resource once every write is done (deletes and updates of this
        /// transaction count): without <c>_cascade=delete</c> and under referential integrity the delete is refused with
        /// 409; with it, referrers that appeared meanwhile are deleted too.</summary>
        public async Task CheckReferrersAsync()
        {
            var frontier = new Dictionary<ResourceKey, PlannedEntry>(_deleted);
            var cascaded = 0;
            while (frontier.Count > 0)
            {
                var origins = frontier.Values.Distinct().ToList();
                if (!service.Rules.ReferentialIntegrity && !origins.Any(o => o.Request.Cascade)) return;
                var limit = origins.Any(o => o.Request.Cascade) ? MaxCascade + 1 : ReferrersNamed + 1;
                var referrers = await tx.ReferrersAsync(frontier.Keys, RecordTypes, limit, ct);
                if (!referrers.Any) return;

                foreach (var target in referrers.HiddenTargets.Distinct())
                {
                    var origin = frontier[target];
                    if (!origin.Request.Cascade && !service.Rules.ReferentialIntegrity) continue;
                    // Data seen through a patient this transaction deleted is hidden now; it was seen before the delete.
                    var error = !origin.Request.Cascade && _blockers.TryGetValue(target, out var seen) && seen.Count > 0
                        ? Referenced(seen) : HiddenReferrers(target);
                    throw labelled ? Label(error, origin) : error;
                }

                var next = new Dictionary<ResourceKey, PlannedEntry>();
                foreach (var byOrigin in referrers.Visible.GroupBy(l => frontier[l.Target]))
                {
                    var origin = byOrigin.Key;
                    if (!origin.Request.Cascade)
                    {
                        if (!service.Rules.ReferentialIntegrity) continue;
                        var error = Referenced(byOrigin.ToList());
                        throw labelled ? Label(error, origin) : error;
                    }
                    foreach (var referrer in byOrigin.Select(l => l.Referrer).Distinct())
                    {
                        if (next.ContainsKey(referrer) || _deleted.ContainsKey(referrer)) continue;
                        if (++cascaded > MaxCascade)
                        {
                            var error = FhirException.Conflict($"_cascade=delete would delete more than {MaxCascade} resources; delete in parts.");
                            throw labelled ? Label(error, origin) : error;
                        }
                        await GuardAsync(origin, async () =>
                        {
                            var current = await tx.ReadForUpdateAsync(referrer.Type, referrer.Id, ct);
                            if (current is null || current.Deleted) return;
                            await NoticeDeletionsAsync([current]);
                            await DeleteVersionAsync(current);
                            next[referrer] = origin;
                            _deleted[referrer] = origin;
                            var outcome = _outcomes[origin.Slot];
                            _outcomes[origin.Slot] = outcome with { DeletedCount = outcome.DeletedCount + 1 };
                        });
                    }
                }
                frontier = next;
            }
        }

        private static FhirException Referenced(IReadOnlyList<ReferrerLink> links)
        {
            var targets = links.Select(l => l.Target).Distinct().ToList();
            var named = links.Select(l => l.Referrer).Distinct().Take(ReferrersNamed).ToList();
            var more = links.Count > named.Count ? " and more" : "";
            var issues = new List<OperationOutcome.IssueComponent>
            {
                new()
                {
                    Severity = OperationOutcome.IssueSeverity.Error,
                    Code = OperationOutcome.IssueType.Conflict,
                    Diagnostics = $"{string.Join(", ", targets)} cannot be deleted: current resources reference it ({string.Join(", ", named)}{more}). "
                        + "Delete or change them first, or delete with _cascade=delete.",
                },
            };
            issues.AddRange(named.Select(r => new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Information,
                Code = OperationOutcome.IssueType.Informational,
                Diagnostics = $"Referenced by {r}",
            }));
            return new FhirException(HttpStatusCode.Conflict, new OperationOutcome { Issue = issues });
        }
    }

    private IWriteValidator Validator => validator;

    private Subscriptions.SubscriptionWrites? Notifier => subscriptions;
}
