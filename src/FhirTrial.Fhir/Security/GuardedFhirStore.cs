using System.Globalization;
using System.Net;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Indexing;
using FhirTrial.Fhir.Search;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Storage;
using FhirTrial.Fhir.Subscriptions;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Security;

/// <summary>
/// The store as the current request may see it. Every read (search, include, history, $everything, the trial operations,
/// anything else that reads through <see cref="IFhirStore"/>) carries the principal's <see cref="AccessPolicy.ReadRestriction"/>
/// into the query, so rows outside the client's site never leave the database. Every write transaction is checked
/// (type permission, the site of the row before and after) and gets its AuditEvent, and a pushed Bundle its Provenance,
/// inside the same database transaction. It fails closed: a call with no access entered (<see cref="AccessContext.Current"/>
/// null) is refused, so work outside a request must say whom it acts for (<see cref="AccessContext.EnterServer"/>, or the
/// client that started an export job). To a site, another site's resource is not there: reads answer nothing and writes
/// answer as for a resource that does not exist.
/// </summary>
public sealed class GuardedFhirStore(IFhirStore inner, AccessContext context, IndexExtractor extractor) : IFhirStore
{
    public IFhirStore Inner => inner;

    public Task MigrateAsync(CancellationToken ct) => inner.MigrateAsync(ct);

    public async Task<StoredResource?> ReadAsync(string type, string id, CancellationToken ct)
    {
        var access = Require();
        var stored = await inner.ReadAsync(type, id, ct);
        if (stored is null) return null;
        if (!AccessPolicy.MaySee(access.Principal, type)) return null;
        if (AccessPolicy.HidesRowsOf(access.Principal, type))
        {
            // A deleted row has no index to judge it by: to a site (or a non-owner) it is simply not there.
            if (stored.Deleted || !await VisibleAsync(access.Principal, type, [id], ct))
            {
                access.Hide(type, id);
                return null;
            }
        }
        access.Touch(stored);
        return Shown(access.Principal, stored);
    }

    public async Task<StoredResource?> ReadVersionAsync(string type, string id, int version, CancellationToken ct)
    {
        var access = Require();
        if (!AccessPolicy.MaySee(access.Principal, type)) return null;
        if (AccessPolicy.HidesRowsOf(access.Principal, type) && !await VisibleAsync(access.Principal, type, [id], ct))
        {
            if (await inner.ReadAsync(type, id, ct) is not null) access.Hide(type, id);
            return null;
        }
        var stored = await inner.ReadVersionAsync(type, id, version, ct);
        if (stored is null) return null;
        if (AccessPolicy.HidesRowsOf(access.Principal, type) && (await EarlierVersionsJudgedAsync(access.Principal, [stored], ct)).Count == 0)
        {
            access.Hide(type, id);
            return null;
        }
        access.Touch(stored);
        return Shown(access.Principal, stored);
    }

    public async Task<IReadOnlyList<StoredResource>> ReadManyAsync(IReadOnlyCollection<ResourceKey> keys, CancellationToken ct)
    {
        var access = Require();
        var restriction = AccessPolicy.ReadRestriction(access.Principal);
        IReadOnlyList<StoredResource> found;
        if (restriction is null) found = await inner.ReadManyAsync(keys, ct);
        else
        {
            var list = new List<StoredResource>();
            foreach (var byType in keys.Distinct().GroupBy(k => k.Type))
                foreach (var chunk in byType.Select(k => k.Id).Chunk(200))
                    list.AddRange((await inner.SearchAsync(new SearchQuery(byType.Key, [new IdCriterion(chunk), restriction], [], chunk.Length, 0, false), ct)).Resources);
            found = list;
        }
        foreach (var r in found) access.Touch(r);
        return Shown(access.Principal, found);
    }

    public async Task<SearchPage> SearchAsync(SearchQuery query, CancellationToken ct)
    {
        var access = Require();
        var page = await inner.SearchAsync(Restrict(query, access.Principal), ct);
        foreach (var r in page.Resources) access.Touch(r);
        return page with { Resources = Shown(access.Principal, page.Resources) };
    }

    public Task<IReadOnlyList<ResourceKey>> ReferencesFromAsync(IReadOnlyCollection<long> keys, string? param, string? targetType, CancellationToken ct)
    {
        Require();
        return inner.ReferencesFromAsync(keys, param, targetType, ct); // keys only; reading the targets goes through ReadManyAsync
    }

    public async Task<HistoryPage> HistoryAsync(HistoryQuery query, CancellationToken ct)
    {
        var access = Require();
        var restriction = AccessPolicy.ReadRestriction(access.Principal);
        if (query.Type is null) restriction = Both(restriction, AccessPolicy.ListingRestriction(access.Principal));
        var filter = Both(query.Filter, restriction);
        var page = await inner.HistoryAsync(query with { Filter = filter }, ct);
        if (restriction is not null && page.Versions.Any(v => AccessPolicy.HidesRowsOf(access.Principal, v.Type)))
        {
            var shown = await EarlierVersionsJudgedAsync(access.Principal, page.Versions, ct);
            page = page with { Versions = shown, Total = page.Total - (page.Versions.Count - shown.Count) };
        }
        foreach (var r in page.Versions) access.Touch(r);
        return page with { Versions = Shown(access.Principal, page.Versions) };
    }

    public async Task<T> WriteAsync<T>(Func<IStoreTransaction, Task<T>> work, CancellationToken ct)
    {
        var access = Require();
        var wrote = false;
        var result = await inner.WriteAsync(async tx =>
        {
            var guarded = new GuardedTransaction(tx, access, this);
            var value = await work(guarded);
            wrote = await guarded.CompleteAsync(ct);
            return value;
        }, ct);
        if (wrote) access.WriteAudited = true;
        return result;
    }

    /// <summary>Writes the AuditEvents of a request that its writes did not cover: what the request read (or a refusal),
    /// and each read entry of its Bundle on its own.</summary>
    public async Task AuditAsync(RequestAccess access, int status, bool requestItself, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var records = new List<ResourceWrite>();
        if (requestItself) records.Add(Prepare(AuditRecords.Event(access, access.Request, status, now, access.Hidden)));
        foreach (var entry in access.Entries)
            if (entry.TouchedPatientData || entry.Interaction.ConcernsPatientData)
                records.Add(Prepare(AuditRecords.Event(access, entry, status, now, [])));
        if (records.Count > 0) await inner.WriteAsync(async tx => { await tx.PutManyAsync(records, ct); return 0; }, ct);
    }

    /// <summary>Writes a record of the server's own work (a subscription delivery) as it is: no AuditEvent of its own.</summary>
    public Task RecordAsync(AuditEvent record, CancellationToken ct)
    {
        Require();
        var write = Prepare(record);
        return inner.WriteAsync(async tx => { await tx.PutManyAsync([write], ct); return 0; }, ct);
    }

    /// <summary>
    /// The versions the principal may see of resources whose current version it may see. The store judges a resource by its
    /// current version (<c>SearchCompiler.Site</c>, the owner rows of a Subscription), so an earlier version is shown only
    /// when it stood where the current one stands: for a Patient the same managing organization, for a Subscription the
    /// same stamped owner, for anything else no Patient that the current version does not name (and one at least when the
    /// current names one). A version from before a resource was re-filed to the site's patient (a correction) was another
    /// site's, and stays hidden; so, fail closed, does one that moved between two of the site's own patients.
    /// </summary>
    private async Task<IReadOnlyList<StoredResource>> EarlierVersionsJudgedAsync(AccessPrincipal principal, IReadOnlyList<StoredResource> versions,
        CancellationToken ct)
    {
        var judged = versions.Where(v => !v.Deleted && AccessPolicy.HidesRowsOf(principal, v.Type)).Select(v => new ResourceKey(v.Type, v.Id)).Distinct().ToList();
        if (judged.Count == 0) return versions;
        var current = (await inner.ReadManyAsync(judged, ct)).ToDictionary(r => new ResourceKey(r.Type, r.Id));
        var standing = new Dictionary<ResourceKey, HashSet<string>?>();
        return versions.Where(v =>
        {
            var key = new ResourceKey(v.Type, v.Id);
            if (v.Deleted || !AccessPolicy.HidesRowsOf(principal, v.Type)) return true;
            if (!current.TryGetValue(key, out var now) || now.Deleted) return false;
            if (now.Version == v.Version) return true;
            if (!standing.TryGetValue(key, out var where)) standing[key] = where = Standing(now);
            var then = Standing(v);
            if (where is null || then is null) return false;
            return v.Type is "Patient" or AccessPolicy.Subscription
                ? where.SetEquals(then)
                : then.IsSubsetOf(where) && (then.Count > 0 || where.Count == 0);
        }).ToList();
    }

    /// <summary>What places a version at a site or with an owner (see <see cref="EarlierVersionsJudgedAsync"/>); null when
    /// its body cannot be read.</summary>
    private static HashSet<string>? Standing(StoredResource version)
    {
        Resource resource;
        try
        {
            resource = FhirSerializer.ParseJson(version.Json);
        }
        catch (FhirException)
        {
            return null;
        }
        return resource switch
        {
            Patient patient => [patient.ManagingOrganization?.Reference ?? ""],
            Subscription subscription => [Subscriptions.SubscriptionOwner.Of(subscription) is { } owner ? $"{owner.ClientId}|{owner.Site}" : ""],
            _ => Engine.LocalReferences.Of(resource).Where(r => r.Type == "Patient").Select(r => r.Id).ToHashSet(StringComparer.Ordinal),
        };
    }

    /// <summary>A resource as the principal is shown it: a Subscription's header values are the server's alone
    /// (<see cref="SubscriptionHeaders"/>).</summary>
    private static StoredResource Shown(AccessPrincipal principal, StoredResource stored)
        => ReferenceEquals(principal, AccessPrincipal.Server) ? stored : SubscriptionHeaders.Withhold(stored);

    private static IReadOnlyList<StoredResource> Shown(AccessPrincipal principal, IReadOnlyList<StoredResource> found)
        => ReferenceEquals(principal, AccessPrincipal.Server) || !found.Any(r => r.Type == AccessPolicy.Subscription)
            ? found : found.Select(SubscriptionHeaders.Withhold).ToList();

    private RequestAccess Require()
        => context.Current ?? throw new InvalidOperationException(
            "The store was called with no access identity: a request enters its caller's, other work AccessContext.EnterServer or its client's.");

    /// <summary>The query with the principal's restriction added at the top and inside every chain and <c>_has</c>, so that
    /// neither the results nor their conditions reach rows the principal may not read; a chain, a <c>_has</c> and a search
    /// of no one type (<c>GET /fhir</c>) list only types the principal may search (<see cref="AccessPolicy.ListingRestriction"/>).</summary>
    public static SearchQuery Restrict(SearchQuery query, AccessPrincipal principal)
    {
        var restriction = AccessPolicy.ReadRestriction(principal);
        var linked = Both(restriction, AccessPolicy.ListingRestriction(principal));
        var top = query.ResourceType is null ? linked : restriction;
        if (top is null && linked is null) return query;
        var criteria = query.Criteria.Select(c => linked is null ? c : Nest(c, linked)).ToList();
        if (top is not null) criteria.Add(top);
        return query with { Criteria = criteria };
    }

    private static SearchCriterion? Both(SearchCriterion? first, SearchCriterion? second)
        => first is null ? second : second is null ? first : new AllCriterion([first, second]);

    private static SearchCriterion Nest(SearchCriterion criterion, SearchCriterion restriction) => criterion switch
    {
        ChainCriterion c => c with { Inner = new AllCriterion([Nest(c.Inner, restriction), restriction]) },
        HasCriterion h => h with { Inner = new AllCriterion([Nest(h.Inner, restriction), restriction]) },
        AllCriterion a => new AllCriterion(a.Criteria.Select(x => Nest(x, restriction)).ToList()),
        _ => criterion,
    };

    /// <summary>Whether every one of <paramref name="ids"/> is the site's (for a site) or, for a Subscription, the
    /// principal's to read or to <paramref name="change"/>.</summary>
    internal async Task<bool> VisibleAsync(AccessPrincipal principal, string type, IReadOnlyList<string> ids, CancellationToken ct,
        IStoreTransaction? tx = null, bool change = false)
    {
        List<SearchCriterion> criteria = [new IdCriterion(ids)];
        if (principal.IsSite) criteria.Add(new SiteCriterion(principal.Site!));
        else if (type == AccessPolicy.Subscription && AccessPolicy.SubscriptionRestriction(principal, change) is { } owned) criteria.Add(owned);
        var query = new SearchQuery(type, criteria, [], ids.Count, 0, false);
        var count = tx is null ? (await inner.SearchAsync(query, ct)).Resources.Count : (await tx.FindIdsAsync(query, ids.Count, ct)).Count;
        return count == ids.Count;
    }

    internal ResourceWrite Prepare(Resource resource)
    {
        var id = Guid.NewGuid().ToString("N");
        var now = DateTimeOffset.UtcNow;
        resource.Id = id;
        resource.Meta = new Meta { VersionId = "1", LastUpdated = now };
        return new ResourceWrite(resource.TypeName, id, 1, now, false, FhirSerializer.ToJson(resource), extractor.Extract(resource), "POST");
    }

    /// <summary>A write transaction that checks each write against the principal and records it for the AuditEvent.</summary>
    /// <remarks>Bulk creates are held until the transaction's next read or its end, so that a Bundle's entries and its
    /// AuditEvent and Provenance reach the store as one bulk write (one set of COPY statements instead of two).</remarks>
    private sealed class GuardedTransaction(IStoreTransaction tx, RequestAccess access, GuardedFhirStore store) : IStoreTransaction
    {
        private readonly List<(ResourceWrite Write, bool Created)> _written = [];
        private readonly List<ResourceWrite> _held = [];
        private AccessPrincipal Principal => access.Principal;
        private bool InOperation => access.Interaction.Code == "operation";

        public async Task<StoredResource?> ReadForUpdateAsync(string type, string id, CancellationToken ct)
        {
            await FlushAsync(ct);
            // a write reads first (versions, If-Match, a patch's base, a conditional create's match): only what the
            // principal may read, or a Bundle entry would show what the single read refuses
            if (!AccessPolicy.MaySee(Principal, type))
                throw Forbidden($"Client '{Principal.ClientId}' ({Principal.RoleCode}) may not read {type}.");
            var stored = await tx.ReadForUpdateAsync(type, id, ct);
            if (stored is not null && AccessPolicy.HidesRowsOf(Principal, type) && (stored.Deleted || !await store.VisibleAsync(Principal, type, [id], ct, tx)))
            {
                // to a site, another site's resource (and a deleted one, which has no index to judge it by) is not there
                access.Hide(type, id);
                return null;
            }
            if (stored is { Deleted: false }) access.Touch(stored);
            return stored is null ? null : Shown(Principal, stored);
        }

        public async Task<IReadOnlyList<string>> FindIdsAsync(SearchQuery query, int limit, CancellationToken ct)
        {
            await FlushAsync(ct);
            return await tx.FindIdsAsync(Restrict(query, Principal), limit, ct);
        }

        public async Task<StoredResource> PutAsync(ResourceWrite write, CancellationToken ct)
        {
            await FlushAsync(ct);
            // a site's first version of an id may not land on a row it cannot see, nor anyone's on another's Subscription
            var ownerOnly = write.Type == AccessPolicy.Subscription && AccessPolicy.SubscriptionRestriction(Principal, change: true) is not null;
            var current = write.Version > 1 || Principal.IsSite || ownerOnly ? await tx.ReadForUpdateAsync(write.Type, write.Id, ct) : null;
            var created = current is null || current.Deleted;
            var action = write.Deleted ? 'd' : created ? 'c' : 'u';
            if (write.Type == AccessPolicy.AuditEvent && action != 'c')
                throw FhirException.MethodNotAllowed("AuditEvents are never changed or deleted.");
            Require(write.Type, action);
            if (Principal.IsSite && current is not null)
            {
                if (current.Deleted || !await store.VisibleAsync(Principal, write.Type, [write.Id], ct, tx))
                {
                    access.Hide(write.Type, write.Id);
                    throw FhirException.NotFound($"{write.Type}/{write.Id} is not known.");
                }
            }
            else if (ownerOnly && current is not null
                     && (current.Deleted || !await store.VisibleAsync(Principal, write.Type, [write.Id], ct, tx, change: true)))
            {
                // whoever writes a subscription last owns it: another's is not there to change (a monitor, who reads it, is told why)
                if (AccessPolicy.HidesRowsOf(Principal, write.Type))
                {
                    access.Hide(write.Type, write.Id);
                    throw FhirException.NotFound($"{write.Type}/{write.Id} is not known.");
                }
                throw Forbidden($"Client '{Principal.ClientId}' ({Principal.RoleCode}) may change only the subscriptions it owns, not {write.Type}/{write.Id}.");
            }
            if (write.Type == AccessPolicy.Subscription && !write.Deleted)
                write = write with { Json = SubscriptionHeaders.Restore(write.Json, await CurrentJsonAsync(write, current, ct)) };
            var stored = await tx.PutAsync(write, ct);
            _written.Add((write, created));
            return Shown(Principal, stored);
        }

        public async Task PutManyAsync(IReadOnlyList<ResourceWrite> writes, CancellationToken ct)
        {
            foreach (var write in writes) Require(write.Type, 'c');
            // creates: a header sent as withheld has nothing stored to keep, and is refused
            if (writes.Any(w => w.Type == AccessPolicy.Subscription))
                writes = [.. writes.Select(w => w.Type == AccessPolicy.Subscription && !w.Deleted ? w with { Json = SubscriptionHeaders.Restore(w.Json, null) } : w)];
            _held.AddRange(writes);
            _written.AddRange(writes.Select(w => (w, true)));
        }

        /// <summary>What the caller may not see is not there to it: a reference to another site's resource is answered
        /// as one to a resource that does not exist (and audited as withheld), so a write cannot tell which ids exist
        /// elsewhere.</summary>
        public async Task<IReadOnlyDictionary<string, int>> CurrentVersionsAsync(string type, IReadOnlyCollection<string> ids, CancellationToken ct)
        {
            await FlushAsync(ct);
            var found = await tx.CurrentVersionsAsync(type, ids, ct);
            if (found.Count == 0 || AccessPolicy.ReadRestriction(Principal) is null) return found;
            var visible = await VisibleIdsAsync(type, found.Keys.ToList(), ct);
            if (visible.Count == found.Count) return found;
            foreach (var hidden in found.Keys.Where(id => !visible.Contains(id))) access.Hide(type, hidden);
            return found.Where(f => visible.Contains(f.Key)).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
        }

        /// <summary>Referrers the caller may not see are reported by the target they point at, never by their own id.</summary>
        public async Task<Referrers> ReferrersAsync(IReadOnlyCollection<ResourceKey> targets, IReadOnlyCollection<string> ignoredTypes, int limit, CancellationToken ct)
        {
            await FlushAsync(ct);
            var found = await tx.ReferrersAsync(targets, ignoredTypes, limit, ct);
            if (found.Visible.Count == 0 || AccessPolicy.ReadRestriction(Principal) is null) return found;
            var visible = new HashSet<ResourceKey>();
            foreach (var byType in found.Visible.Select(l => l.Referrer).Distinct().GroupBy(k => k.Type))
                foreach (var id in await VisibleIdsAsync(byType.Key, byType.Select(k => k.Id).ToList(), ct))
                    visible.Add(new ResourceKey(byType.Key, id));
            return new Referrers(found.Visible.Where(l => visible.Contains(l.Referrer)).ToList(),
                [.. found.HiddenTargets, .. found.Visible.Where(l => !visible.Contains(l.Referrer)).Select(l => l.Target)]);
        }

        /// <summary>Matching is on behalf of <paramref name="reader"/> (a subscription's owner), not of the writer: the
        /// store applies the reader's restriction.</summary>
        public async Task<IReadOnlyList<string>> MatchingIdsAsync(SearchQuery query, AccessPrincipal reader, int limit, CancellationToken ct)
        {
            await FlushAsync(ct);
            return await tx.MatchingIdsAsync(query, reader, limit, ct);
        }

        public async Task EnqueueNotificationsAsync(IReadOnlyList<PendingNotification> notifications, CancellationToken ct)
        {
            await FlushAsync(ct);
            await tx.EnqueueNotificationsAsync(notifications, ct);
        }

        /// <summary>The stored JSON of the version a Subscription write replaces (read only when a header is sent withheld).</summary>
        private async Task<string?> CurrentJsonAsync(ResourceWrite write, StoredResource? current, CancellationToken ct)
        {
            if (!write.Json.Contains(SubscriptionHeaders.Withheld, StringComparison.Ordinal)) return null;
            current ??= await tx.ReadForUpdateAsync(write.Type, write.Id, ct);
            return current is { Deleted: false } ? current.Json : null;
        }

        private async Task<HashSet<string>> VisibleIdsAsync(string type, IReadOnlyList<string> ids, CancellationToken ct)
        {
            var visible = new HashSet<string>(StringComparer.Ordinal);
            foreach (var chunk in ids.Chunk(200))
                visible.UnionWith(await FindIdsAsync(new SearchQuery(type, [new IdCriterion(chunk)], [], chunk.Length, 0, false), chunk.Length, ct));
            return visible;
        }

        private async Task FlushAsync(CancellationToken ct)
        {
            if (_held.Count == 0) return;
            var writes = _held.ToList();
            _held.Clear();
            await tx.PutManyAsync(writes, ct);
        }

        /// <summary>Before commit: every row a site wrote must be its own; then the AuditEvent and, for a Bundle, the
        /// Provenance. False when nothing was written (and so nothing audited).</summary>
        public async Task<bool> CompleteAsync(CancellationToken ct)
        {
            if (_written.Count == 0) return false;
            if (Principal.IsSite)
            {
                await FlushAsync(ct); // the site check reads the rows back
                foreach (var byType in _written.Where(w => !w.Write.Deleted).GroupBy(w => w.Write.Type))
                    foreach (var chunk in byType.Select(w => w.Write.Id).Distinct().Chunk(200))
                        if (!await store.VisibleAsync(Principal, byType.Key, chunk, ct, tx))
                            throw Forbidden($"This request writes {Errors.Wording.A(byType.Key)} that belongs to no patient of site {Principal.Site} (check Patient.managingOrganization and the patient references).");
            }
            var now = DateTimeOffset.UtcNow;
            var references = _written.Select(w => $"{w.Write.Type}/{w.Write.Id}/_history/{w.Write.Version.ToString(CultureInfo.InvariantCulture)}").ToList();
            // An update that created the resource, or a conditional delete, is audited as what it did.
            var action = access.Interaction.Code is "update" or "patch" or "delete" or "create"
                ? _written.All(w => w.Write.Deleted) ? "D" : _written.All(w => w.Created) ? "C" : "U"
                : null;
            var patients = _written.Take(RequestAccess.MaxRecordedEntities).Select(w => PatientOf(w.Write)).OfType<string>().Distinct().ToList();
            var records = new List<ResourceWrite> { store.Prepare(AuditRecords.Event(access, access.Interaction, access.Query, references, patients, 200, now, action: action)) };
            if (access.Interaction.Code == "transaction")
            {
                var targets = _written.Where(w => !w.Write.Deleted).Select(w => $"{w.Write.Type}/{w.Write.Id}/_history/{w.Write.Version.ToString(CultureInfo.InvariantCulture)}").ToList();
                if (targets.Count > 0) records.Add(store.Prepare(AuditRecords.Provenance(access, targets, _written.All(w => w.Created), now)));
            }
            // One call with the held entries: for a large Bundle these two carry a reference row per entry, and the store
            // writes all of it in bulk.
            _held.AddRange(records);
            await FlushAsync(ct);
            access.Cover(_written.Select(w => $"{w.Write.Type}/{w.Write.Id}"));
            return true;
        }

        /// <summary>The patient a write is about, from the reference rows already extracted for the index (no second
        /// parse of the JSON on the write path); a deletion has no index rows, so its stored JSON is read.</summary>
        private static string? PatientOf(ResourceWrite write)
        {
            if (write.Type == "Patient") return $"Patient/{write.Id}";
            if (write.Deleted) return TouchLog.PatientOf(new StoredResource(0, write.Type, write.Id, write.Version, write.LastUpdated, true, write.Json));
            foreach (var entry in write.Index)
                if (entry is ReferenceIndex { TargetType: "Patient", TargetId: { } id }) return $"Patient/{id}";
            return null;
        }

        private void Require(string type, char action)
        {
            if (!AccessPolicy.MayWrite(Principal, type, action, InOperation))
                throw Forbidden($"Client '{Principal.ClientId}' ({Principal.RoleCode}) may not {Verb(action)} {type}.");
        }

        private static string Verb(char action) => action switch { 'c' => "create", 'u' => "update", _ => "delete" };
    }

    public static FhirException Forbidden(string message)
        => FhirException.Of(HttpStatusCode.Forbidden, OperationOutcome.IssueType.Forbidden, message);
}
