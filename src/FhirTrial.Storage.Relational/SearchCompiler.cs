using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Indexing;
using FhirTrial.Fhir.Search;
using Hl7.Fhir.Model;

namespace FhirTrial.Storage.Relational;

/// <summary>Compiles the search query model to SQL over the index tables; shared by every relational store.</summary>
public static class SearchCompiler
{
    /// <summary>The WHERE clause (without the keyword) selecting current, undeleted resources of the query from alias <c>r</c>.</summary>
    public static void Where(SqlBuilder sql, SearchQuery query, string alias = "r")
    {
        sql.Append($"{alias}.deleted = 0");
        if (query.ResourceType is not null) sql.Append($" AND {alias}.type = {sql.Param(query.ResourceType)}");
        else if (query.Criteria.Any(c => c is ValueCriterion { Param: "_id", Modifier: not SearchModifier.Not }))
            // A system-wide _id search: naming every type lets the (type, id) key answer it with one probe per type.
            sql.Append($" AND {alias}.type IN ({string.Join(", ", Hl7.Fhir.Model.ModelInfo.SupportedResources.Select(sql.Param))})");
        var intersected = Intersectable(query.Criteria);
        if (intersected.Count > 1)
        {
            sql.Append(" AND ");
            Intersect(sql, intersected, alias, query.ResourceType);
        }
        foreach (var criterion in query.Criteria)
        {
            if (intersected.Count > 1 && intersected.Contains(criterion)) continue;
            sql.Append(" AND ");
            Criterion(sql, criterion, alias, query.ResourceType);
        }
    }

    /// <summary>
    /// Value criteria that can be answered as one intersection of index lookups, when no criterion names a single
    /// resource or patient to start from. <c>code=X&amp;value-quantity=ltY</c> matches thousands of rows on each side:
    /// as separate <c>IN</c> lookups PostgreSQL probed the second index once per row of the first (200 ms at 200,000
    /// resources); as one <c>INTERSECT</c> both sides are read once from their index (~10 ms). With an anchor
    /// (<c>subject=Patient/1</c>, <c>_id</c>) the planner already starts from its few rows and probes the rest.
    /// </summary>
    private static List<ValueCriterion> Intersectable(IReadOnlyList<SearchCriterion> criteria)
    {
        if (IsAnchored(criteria)) return [];
        return criteria.OfType<ValueCriterion>()
            .Where(v => v.Modifier != SearchModifier.Not && v.Type != SearchParamType.Composite && v.AnyOf.Count > 0 && v.AnyOf.All(a => a is not CompositeValue)
                && !DerivedParameters.IsResourceColumn(v.Param))
            .ToList();
    }

    /// <summary>True when a criterion names a resource, a patient or another referenced resource to start from.</summary>
    private static bool IsAnchored(IReadOnlyList<SearchCriterion> criteria) => criteria.Any(c => c is IdCriterion or CompartmentCriterion or ReferenceSetCriterion
        || c is ValueCriterion { Param: "_id", Modifier: not SearchModifier.Not }
        || c is ValueCriterion { Type: SearchParamType.Reference } r && r.AnyOf.All(v => v is ReferenceValue { Id: not null } or ReferenceValue { Identifier: not null }));

    /// <summary>A search with no anchor: its matches may be many, so its page is likely full and its total worth counting early.</summary>
    public static bool IsBroad(SearchQuery query) => !IsAnchored(query.Criteria);

    /// <summary>
    /// The search's total, counted from the index when that is exact: every criterion is an index lookup of the
    /// intersection. Index rows exist only for current, undeleted resources, so the resource rows need not be visited
    /// when one lookup stores rows for the searched type only (at 123,000 resources this took a count of 1,800
    /// hemoglobins from 13.6 to 8.9 ms); else only their type is looked up by key. Otherwise the count of the full
    /// <see cref="Where"/>.
    /// </summary>
    public static void Count(SqlBuilder sql, SearchQuery query)
    {
        if (MatchedByIndexAlone(query))
        {
            sql.Append("SELECT COUNT(*) FROM (");
            IndexKeys(sql, query);
            sql.Append(") c");
            return;
        }
        sql.Append("SELECT COUNT(*) FROM resource r WHERE ");
        Where(sql, query);
    }

    /// <summary>True when the search's matches are exactly the keys of one intersection of index lookups (of the searched
    /// type: see <see cref="Count"/>).</summary>
    public static bool MatchedByIndexAlone(SearchQuery query)
    {
        if (query.ResourceType is null) return false;
        var intersected = Intersectable(query.Criteria);
        return intersected.Count > 1 && intersected.Count == query.Criteria.Count;
    }

    /// <summary>The keys of the matches in key order (the default sort), at most <paramref name="limit"/>; only when
    /// <see cref="MatchedByIndexAlone"/>.</summary>
    public static void MatchingKeys(SqlBuilder sql, SearchQuery query, int limit)
    {
        IndexKeys(sql, query);
        sql.Append($" ORDER BY m.rkey LIMIT {sql.Param(limit)}");
    }

    /// <summary>The intersection's keys as <c>m.rkey</c>, kept to the searched type when the index rows may be another's
    /// (<c>code</c> and <c>date</c> are Procedure's too).</summary>
    private static void IndexKeys(SqlBuilder sql, SearchQuery query)
    {
        var intersected = Intersectable(query.Criteria);
        sql.Append("SELECT m.rkey FROM (");
        IntersectedKeys(sql, intersected, query.ResourceType);
        sql.Append(") m");
        if (!intersected.Any(v => v.RowsOnlyOfItsType))
            sql.Append($" JOIN resource t ON t.rkey = m.rkey AND t.type = {sql.Param(query.ResourceType!)}");
    }

    private static void Intersect(SqlBuilder sql, IReadOnlyList<ValueCriterion> criteria, string alias, string? type)
    {
        sql.Append($"{alias}.rkey IN (");
        IntersectedKeys(sql, criteria, type);
        sql.Append(")");
    }

    /// <summary>
    /// The keys matching every criterion. Equalities (a code, a reference) are read from their index and intersected.
    /// A one-sided comparison (<c>date=ge2025-03-01</c>) matches a large share of its index, so, when an equality is there
    /// to start from, it is checked per key instead: a hemoglobin code's 1,040 rows probed for their dates rather than
    /// 8,000 and 4,000 date rows read and hashed (PostgreSQL, 12,000 resources, a cross-patient date range: 26.8 ms p95).
    /// </summary>
    private static void IntersectedKeys(SqlBuilder sql, IReadOnlyList<ValueCriterion> criteria, string? type)
    {
        var probed = criteria.Where(IsOneSided).ToList();
        if (probed.Count == 0 || probed.Count == criteria.Count)
        {
            Lookups(sql, criteria, type);
            return;
        }
        var drivers = criteria.Where(c => !probed.Contains(c)).ToList();
        // one lookup alone may give a key twice (two matching codings); an intersection gives each once
        sql.Append(drivers.Count == 1 ? "SELECT DISTINCT k.rkey FROM (" : "SELECT k.rkey FROM (");
        Lookups(sql, drivers, type);
        sql.Append(") k WHERE ");
        for (int c = 0; c < probed.Count; c++)
        {
            var v = probed[c];
            if (c > 0) sql.Append(" AND ");
            sql.Append($"EXISTS (SELECT 1 FROM {TableOf(v.Type, v.Param)} i WHERE i.rkey = k.rkey AND {ParamIs(sql, "i", type, v.Param, v.Type)} AND ");
            AnyOf(sql, v);
            sql.Append(")");
        }
    }

    private static void Lookups(SqlBuilder sql, IReadOnlyList<ValueCriterion> criteria, string? type)
    {
        for (int c = 0; c < criteria.Count; c++)
        {
            var v = criteria[c];
            if (c > 0) sql.Append(" INTERSECT ");
            sql.Append($"SELECT i.rkey FROM {TableOf(v.Type, v.Param)} i WHERE {ParamIs(sql, "i", type, v.Param, v.Type)} AND ");
            AnyOf(sql, v);
        }
    }

    private static void AnyOf(SqlBuilder sql, ValueCriterion v)
    {
        sql.Append("(");
        for (int k = 0; k < v.AnyOf.Count; k++)
        {
            if (k > 0) sql.Append(" OR ");
            sql.Append("(");
            Match(sql, "i", v.Modifier, v.AnyOf[k]);
            sql.Append(")");
        }
        sql.Append(")");
    }

    /// <summary>Every value compares one way (<c>gt lt ge le sa eb</c>): an open range of dates, numbers or quantities.</summary>
    private static bool IsOneSided(ValueCriterion v) => v.AnyOf.All(a => a switch
    {
        DateValue d => IsOneSided(d.Prefix),
        NumberValue n => IsOneSided(n.Prefix),
        QuantityValue q => q.Code is null && IsOneSided(q.Prefix), // with a unit, its index range is the unit's values only
        _ => false,
    });

    private static bool IsOneSided(SearchPrefix prefix)
        => prefix is SearchPrefix.Gt or SearchPrefix.Ge or SearchPrefix.Lt or SearchPrefix.Le or SearchPrefix.Sa or SearchPrefix.Eb;

    public static void OrderBy(SqlBuilder sql, SearchQuery query, string alias = "r")
    {
        sql.Append(" ORDER BY ");
        foreach (var key in query.Sort)
        {
            if (DerivedParameters.IsResourceColumn(key.Param))
            {
                sql.Append(key.Param == "_id" ? $"{alias}.id" : $"{alias}.last_updated").Append(key.Descending ? " DESC, " : " ASC, ");
                continue;
            }
            var (table, column) = SortColumn(key);
            var agg = key.Descending ? "MAX" : "MIN";
            var col = key.Descending && key.Type == SearchParamType.Date ? "high" : column;
            sql.Append($"(SELECT {agg}(s.{col}) FROM {table} s WHERE s.rkey = {alias}.rkey AND {ParamIs(sql, "s", query.ResourceType, key.Param, key.Type)})");
            sql.Append(key.Descending ? " DESC NULLS LAST, " : " ASC NULLS LAST, ");
        }
        sql.Append($"{alias}.rkey");
    }

    private static (string Table, string Column) SortColumn(SortKey key) => key.Type switch
    {
        SearchParamType.String => ("idx_string", "norm"),
        SearchParamType.Token => ("idx_token", "code"),
        SearchParamType.Date => ("idx_date", "low"),
        SearchParamType.Number => ("idx_number", "value"),
        SearchParamType.Quantity => ("idx_quantity", "value"),
        SearchParamType.Reference => ("idx_reference", "target_id"),
        SearchParamType.Uri => ("idx_uri", "uri"),
        _ => throw FhirException.BadRequest($"Cannot sort by '{key.Param}'."),
    };

    /// <summary>One criterion on rows of <paramref name="type"/> (null when the rows may be of several types).</summary>
    private static void Criterion(SqlBuilder sql, SearchCriterion criterion, string alias, string? type)
    {
        switch (criterion)
        {
            case ValueCriterion v when DerivedParameters.IsResourceColumn(v.Param):
                if (v.Modifier == SearchModifier.Not) sql.Append("NOT ");
                ResourceColumn(sql, v, alias);
                break;
            case MissingCriterion m when DerivedParameters.IsResourceColumn(m.Param):
                sql.Append(m.Missing ? "1 = 0" : "1 = 1"); // every resource has an id and a lastUpdated
                break;
            case ValueCriterion v when v.Modifier == SearchModifier.Not:
                sql.Append("NOT (");
                Values(sql, v with { Modifier = SearchModifier.None }, alias, type);
                sql.Append(")");
                break;
            case ValueCriterion v:
                Values(sql, v, alias, type);
                break;
            case MissingCriterion m:
                sql.Append(m.Missing ? "NOT EXISTS" : "EXISTS");
                if (m.Type == SearchParamType.Composite && DerivedParameters.CompositeComponents(type, m.Param) is { } components)
                {
                    // A derived composite is present when every component has a row in one group (see DerivedParameters).
                    sql.Append(" (SELECT 1 FROM ");
                    for (int i = 0; i < components.Count; i++)
                        sql.Append(i == 0 ? $"{TableOf(components[i], m.Param)} c0" : $" JOIN {TableOf(components[i], m.Param)} c{i} ON c{i}.rkey = c0.rkey AND c{i}.grp = c0.grp");
                    sql.Append($" WHERE c0.rkey = {alias}.rkey");
                    for (int i = 0; i < components.Count; i++) sql.Append($" AND {ParamIs(sql, $"c{i}", type, $"{m.Param}${i}", components[i])}");
                    sql.Append(")");
                }
                else sql.Append($" (SELECT 1 FROM {TableOf(m.Type, m.Param)} i WHERE i.rkey = {alias}.rkey AND {ParamMatch(sql, type, m.Type, m.Param)})");
                break;
            case ChainCriterion c:
            {
                var t = alias + "c";
                sql.Append($"{alias}.rkey IN (SELECT i.rkey FROM idx_reference i JOIN resource {t} ON {t}.type = i.target_type AND {t}.id = i.target_id");
                sql.Append($" WHERE {ParamIs(sql, "i", type, c.Param, SearchParamType.Reference)} AND {t}.deleted = 0 AND {t}.type IN (");
                sql.Append(string.Join(", ", c.TargetTypes.Select(sql.Param)));
                sql.Append(") AND ");
                Criterion(sql, c.Inner, t, c.TargetTypes.Count == 1 ? c.TargetTypes[0] : null);
                sql.Append(")");
                break;
            }
            case HasCriterion h:
            {
                var s = alias + "h";
                sql.Append($"EXISTS (SELECT 1 FROM idx_reference i JOIN resource {s} ON {s}.rkey = i.rkey");
                sql.Append($" WHERE {s}.type = {sql.Param(h.SourceType)} AND {s}.deleted = 0 AND {ParamIs(sql, "i", h.SourceType, h.Param, SearchParamType.Reference)}");
                sql.Append($" AND i.target_type = {alias}.type AND i.target_id = {alias}.id AND ");
                Criterion(sql, h.Inner, s, h.SourceType);
                sql.Append(")");
                break;
            }
            case CompartmentCriterion c:
                sql.Append($"{alias}.rkey IN (SELECT i.rkey FROM idx_reference i WHERE i.target_id = {sql.Param(c.TargetId)} AND i.target_type = {sql.Param(c.TargetType)})");
                break;
            case ReferenceSetCriterion s when s.TargetIds.Count == 0:
                sql.Append("1 = 0");
                break;
            case ReferenceSetCriterion s:
                // Driven from ix_idx_reference_target (target_id, target_type, param): one probe per id of the set.
                sql.Append($"{alias}.rkey IN (SELECT i.rkey FROM idx_reference i WHERE {sql.InSet("i.target_id", s.TargetIds)}");
                sql.Append($" AND i.target_type = {sql.Param(s.TargetType)} AND {ParamIs(sql, "i", type, s.Param, SearchParamType.Reference)})");
                break;
            case SiteCriterion s:
                Site(sql, s.OrganizationId, alias);
                break;
            case SubscriptionOwnerCriterion when type is not null && type != Fhir.Security.AccessPolicy.Subscription:
                sql.Append("1 = 1"); // rows of another type: nothing to restrict
                break;
            case SubscriptionOwnerCriterion o:
                var owner = alias + "_oc";
                sql.Append($"({alias}.type <> {sql.Param(Fhir.Security.AccessPolicy.Subscription)}");
                sql.Append($" OR EXISTS (SELECT 1 FROM idx_token {owner} WHERE {owner}.rkey = {alias}.rkey AND {owner}.param = {sql.Param(SubscriptionOwnerClient)} AND {owner}.code = {sql.Param(o.ClientId)}))");
                break;
            case TypeCriterion t:
                if (t.Types.Count == 0) sql.Append(t.Exclude ? "1 = 1" : "1 = 0");
                else sql.Append($"{alias}.type {(t.Exclude ? "NOT IN" : "IN")} ({string.Join(", ", t.Types.Select(sql.Param))})");
                break;
            case IdCriterion ids:
                sql.Append(ids.Ids.Count == 0 ? "1 = 0" : $"{alias}.id IN ({string.Join(", ", ids.Ids.Select(sql.Param))})");
                break;
            case AllCriterion all:
                sql.Append("(");
                if (all.Criteria.Count == 0) sql.Append("1 = 1");
                for (int k = 0; k < all.Criteria.Count; k++)
                {
                    if (k > 0) sql.Append(" AND ");
                    Criterion(sql, all.Criteria[k], alias, type);
                }
                sql.Append(")");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(criterion));
        }
    }

    /// <summary>One criterion on the resource row of <paramref name="alias"/> (for filters the store applies beside a query).</summary>
    public static void Condition(SqlBuilder sql, SearchCriterion criterion, string alias) => Criterion(sql, criterion, alias, null);

    /// <summary>
    /// A site's share of the store. A Patient belongs to the site its managingOrganization names. Any other resource is
    /// visible when every Patient it references (through any indexed reference) is one of the site's live Patients, and,
    /// for Patient-compartment types (but Group), when it references at least one: shared study data (Organization,
    /// Medication, ResearchStudy, the enrollment Group, conformance resources...) references no Patient and stays visible
    /// to every site. A Subscription is the site's when the server stamped one of the site's clients as its owner.
    /// </summary>
    private static void Site(SqlBuilder sql, string organizationId, string alias)
    {
        var patient = sql.Param("Patient");
        var organization = sql.Param("Organization");
        var param = sql.Param("organization");
        var site = sql.Param(organizationId);
        string OwnedBy(string p) =>
            $"EXISTS (SELECT 1 FROM idx_reference {p}o WHERE {p}o.rkey = {p}.rkey AND {p}o.param = {param} AND {p}o.target_type = {organization} AND {p}o.target_id = {site})";
        var sp = alias + "_sp";
        var spr = alias + "_spr";
        var sq = alias + "_sq";
        sql.Append($"(({alias}.type = {patient} AND {OwnedBy(alias)})");
        sql.Append($" OR ({alias}.type <> {patient}");
        sql.Append($" AND NOT EXISTS (SELECT 1 FROM idx_reference {sp} WHERE {sp}.rkey = {alias}.rkey AND {sp}.target_type = {patient}");
        sql.Append($" AND NOT EXISTS (SELECT 1 FROM resource {spr} WHERE {spr}.type = {patient} AND {spr}.id = {sp}.target_id AND {spr}.deleted = 0 AND {OwnedBy(spr)}))");
        sql.Append($" AND ({alias}.type NOT IN ({string.Join(", ", Fhir.Security.PatientCompartment.RequiringPatient.Select(sql.Param))})");
        sql.Append($" OR EXISTS (SELECT 1 FROM idx_reference {sq} WHERE {sq}.rkey = {alias}.rkey AND {sq}.target_type = {patient}))");
        // A Subscription is matched with its owner's access and may carry the owner's endpoint credentials: a site's own only.
        var so = alias + "_so";
        sql.Append($" AND ({alias}.type <> {sql.Param(Fhir.Security.AccessPolicy.Subscription)}");
        sql.Append($" OR EXISTS (SELECT 1 FROM idx_token {so} WHERE {so}.rkey = {alias}.rkey AND {so}.param = {sql.Param(SubscriptionOwnerSite)} AND {so}.code = {site}))))");
    }

    /// <summary>The trial package's token parameter on the site stamped as a Subscription's owner.</summary>
    private const string SubscriptionOwnerSite = "owner-site";

    /// <summary>The trial package's token parameter on the client stamped as a Subscription's owner.</summary>
    private const string SubscriptionOwnerClient = "owner-client";

    private static string ParamMatch(SqlBuilder sql, string? resourceType, SearchParamType type, string param)
        => type == SearchParamType.Composite ? $"i.param LIKE {sql.Param(param + "$%")}" : ParamIs(sql, "i", resourceType, param, type);

    /// <summary>
    /// The rows of <paramref name="alias"/> that answer <paramref name="param"/> on <paramref name="resourceType"/>: its own,
    /// a derived parameter's sources', or a narrowed reference's source rows of its target type (DerivedParameters). With
    /// the type unknown, a narrowed name is answered from either, checking the row's resource type.
    /// </summary>
    internal static string ParamIs(SqlBuilder sql, string alias, string? resourceType, string param, SearchParamType paramType)
    {
        // The source's rows that point at a target of that type or of none; the parameter's own rows are its identifiers.
        string Narrowed(DerivedParameters.Narrowing n) =>
            $"{alias}.param = {sql.Param(n.Source)} AND {alias}.ident_system IS NULL AND {alias}.ident_value IS NULL"
            + $" AND ({alias}.target_type IS NULL OR {alias}.target_type = {sql.Param(n.TargetType)})";
        if (paramType != SearchParamType.Reference) return $"{alias}.param {ParamIn(sql, resourceType, param)}";
        if (resourceType is not null)
            return DerivedParameters.NarrowedFrom(resourceType, param) is { } narrowing
                ? $"({alias}.param = {sql.Param(param)} OR ({Narrowed(narrowing)}))"
                : $"{alias}.param {ParamIn(sql, resourceType, param)}";
        var across = DerivedParameters.NarrowedOn(param);
        if (across.Count == 0) return $"{alias}.param {ParamIn(sql, null, param)}";
        var branches = across.GroupBy(n => n.Narrowing).Select(g =>
            $"({Narrowed(g.Key)} AND EXISTS (SELECT 1 FROM resource {alias}_n WHERE {alias}_n.rkey = {alias}.rkey AND {alias}_n.type IN ({string.Join(", ", g.Select(n => sql.Param(n.Type)))})))");
        return $"({alias}.param = {sql.Param(param)} OR {string.Join(" OR ", branches)})";
    }

    /// <summary>The stored parameter names that answer <paramref name="param"/>: itself, or a derived parameter's sources.</summary>
    private static string ParamIn(SqlBuilder sql, string? resourceType, string param)
    {
        var names = DerivedParameters.StoredNames(resourceType, param);
        return names.Count == 1 ? $"= {sql.Param(names[0])}" : $"IN ({string.Join(", ", names.Select(sql.Param))})";
    }

    private static string TableOf(SearchParamType type, string param) => type switch
    {
        SearchParamType.String => "idx_string",
        SearchParamType.Token => "idx_token",
        SearchParamType.Date => "idx_date",
        SearchParamType.Number => "idx_number",
        SearchParamType.Quantity => "idx_quantity",
        SearchParamType.Reference => "idx_reference",
        SearchParamType.Uri => "idx_uri",
        SearchParamType.Composite => "idx_token",
        _ => throw FhirException.NotSupported($"Parameter '{param}' of type {type} is not searchable."),
    };

    /// <summary>Value matches as <c>rkey IN (index lookup)</c>, so the planner can start from the index rather than
    /// scanning every resource of the type and probing per row.</summary>
    private static void Values(SqlBuilder sql, ValueCriterion v, string alias, string? type)
    {
        sql.Append("(");
        for (int k = 0; k < v.AnyOf.Count; k++)
        {
            if (k > 0) sql.Append(" OR ");
            if (v.AnyOf[k] is CompositeValue composite)
            {
                Composite(sql, composite, alias, type);
                continue;
            }
            sql.Append($"{alias}.rkey IN (SELECT i.rkey FROM {TableOf(v.Type, v.Param)} i WHERE {ParamIs(sql, "i", type, v.Param, v.Type)} AND ");
            Match(sql, "i", v.Modifier, v.AnyOf[k]);
            sql.Append(")");
        }
        sql.Append(")");
    }

    private static void Composite(SqlBuilder sql, CompositeValue value, string alias, string? type)
    {
        sql.Append($"{alias}.rkey IN (SELECT c0.rkey FROM ");
        for (int i = 0; i < value.Parts.Count; i++)
        {
            var part = value.Parts[i];
            if (i > 0) sql.Append(" JOIN ");
            sql.Append($"{TableOf(part.Type, part.IndexParam)} c{i}");
            if (i > 0) sql.Append($" ON c{i}.rkey = c0.rkey AND c{i}.grp = c0.grp");
        }
        sql.Append(" WHERE 1 = 1");
        for (int i = 0; i < value.Parts.Count; i++)
        {
            sql.Append($" AND {ParamIs(sql, $"c{i}", type, value.Parts[i].IndexParam, value.Parts[i].Type)} AND ");
            Match(sql, $"c{i}", SearchModifier.None, value.Parts[i].Value);
        }
        sql.Append(")");
    }

    private static void Match(SqlBuilder sql, string i, SearchModifier modifier, SearchValue value)
    {
        switch (value)
        {
            case StringValue s:
                if (modifier == SearchModifier.Exact) sql.Append($"{i}.exact = {sql.Param(s.Raw)}");
                else if (modifier == SearchModifier.Contains) sql.Append($"{i}.norm LIKE {sql.Param("%" + Like(s.Normalized) + "%")} ESCAPE '\\'");
                else sql.Append($"{i}.norm LIKE {sql.Param(Like(s.Normalized) + "%")} ESCAPE '\\'");
                break;
            case TokenValue t:
                Token(sql, i, modifier, t);
                break;
            case DateValue d:
                Date(sql, i, d);
                break;
            case NumberValue n:
                Number(sql, $"{i}.value", n.Prefix, n.Value, n.Low, n.High);
                break;
            case QuantityValue q:
                Quantity(sql, i, q);
                break;
            case ReferenceValue r:
                Reference(sql, i, r);
                break;
            case UriValue u:
                if (modifier == SearchModifier.Below) sql.Append($"{i}.uri LIKE {sql.Param(Like(u.Uri) + "%")} ESCAPE '\\'");
                else if (modifier == SearchModifier.Above) sql.Append($"substr({sql.Param(u.Uri)}, 1, length({i}.uri)) = {i}.uri"); // stored '_' and '%' are not wildcards
                else if (modifier == SearchModifier.Contains) sql.Append($"{i}.uri LIKE {sql.Param("%" + Like(u.Uri) + "%")} ESCAPE '\\'");
                else sql.Append($"{i}.uri = {sql.Param(u.Uri)}");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(value));
        }
    }

    private static void Token(SqlBuilder sql, string i, SearchModifier modifier, TokenValue t)
    {
        if (modifier == SearchModifier.Text)
        {
            sql.Append($"{i}.text LIKE {sql.Param(Like(Fhir.Indexing.StringNormalizer.Normalize(t.Code ?? "")) + "%")} ESCAPE '\\'");
            return;
        }
        var parts = new List<string>();
        if (t.SystemGiven) parts.Add(t.System is null ? $"{i}.system IS NULL" : $"{i}.system = {sql.Param(t.System)}");
        if (t.Code is not null) parts.Add($"{i}.code = {sql.Param(t.Code)}");
        sql.Append(parts.Count == 0 ? "1 = 1" : string.Join(" AND ", parts));
    }

    private static void Date(SqlBuilder sql, string i, DateValue d) => Date(sql, $"{i}.low", $"{i}.high", d);

    /// <summary>A date criterion on a value spanning <paramref name="low"/> to <paramref name="high"/> (both inclusive, UTC ticks).</summary>
    private static void Date(SqlBuilder sql, string low, string high, DateValue d)
    {
        var lo = sql.Param(d.Range.Low);
        var hi = sql.Param(d.Range.High);
        var contained = $"({low} >= {lo} AND {high} <= {hi})";
        sql.Append(d.Prefix switch
        {
            SearchPrefix.Eq => contained,
            SearchPrefix.Ne => $"NOT {contained}",
            SearchPrefix.Gt => $"{high} > {hi}",
            SearchPrefix.Lt => $"{low} < {lo}",
            SearchPrefix.Ge => $"({high} > {hi} OR {contained})",
            SearchPrefix.Le => $"({low} < {lo} OR {contained})",
            SearchPrefix.Sa => $"{low} > {hi}",
            SearchPrefix.Eb => $"{high} < {lo}",
            SearchPrefix.Ap => Approximately(sql, low, high, d.Range),
            _ => throw new ArgumentOutOfRangeException(nameof(d)),
        });
    }

    /// <summary><c>_id</c> and <c>_lastUpdated</c> on the resource row's own columns (see DerivedParameters.IsResourceColumn).</summary>
    private static void ResourceColumn(SqlBuilder sql, ValueCriterion v, string alias)
    {
        sql.Append("(");
        for (int k = 0; k < v.AnyOf.Count; k++)
        {
            if (k > 0) sql.Append(" OR ");
            switch (v.AnyOf[k])
            {
                case TokenValue t when v.Modifier == SearchModifier.Text || t.SystemGiven && t.System is not null:
                    sql.Append("1 = 0"); // an id has no system and no display text
                    break;
                case TokenValue { Code: null }:
                    sql.Append("1 = 1");
                    break;
                case TokenValue t:
                    sql.Append($"{alias}.id = {sql.Param(t.Code)}");
                    break;
                case DateValue d:
                    Date(sql, $"{alias}.last_updated", $"{alias}.last_updated", d);
                    break;
                default:
                    throw FhirException.BadRequest($"'{v.Param}' cannot be searched with that value.");
            }
        }
        sql.Append(")");
    }

    /// <summary>ap on dates: overlap with the search range widened by 10% of its distance from now (at least a day).</summary>
    private static string Approximately(SqlBuilder sql, string low, string high, DateRange range)
    {
        var now = DateTime.UtcNow.Ticks;
        var gap = Math.Max(TimeSpan.TicksPerDay, Math.Abs(now - range.Low) / 10);
        return $"({low} <= {sql.Param(range.High + gap)} AND {high} >= {sql.Param(range.Low - gap)})";
    }

    private static void Number(SqlBuilder sql, string column, SearchPrefix prefix, decimal value, decimal low, decimal high)
    {
        sql.Append(prefix switch
        {
            SearchPrefix.Eq => $"({column} >= {sql.Param(low)} AND {column} < {sql.Param(high)})",
            SearchPrefix.Ne => $"NOT ({column} >= {sql.Param(low)} AND {column} < {sql.Param(high)})",
            SearchPrefix.Gt => $"{column} > {sql.Param(value)}",
            SearchPrefix.Lt => $"{column} < {sql.Param(value)}",
            // sa/eb: entirely above/below the range the written precision implies, not merely past the value.
            SearchPrefix.Sa => $"{column} >= {sql.Param(high)}",
            SearchPrefix.Eb => $"{column} < {sql.Param(low)}",
            SearchPrefix.Ge => $"{column} >= {sql.Param(value)}",
            SearchPrefix.Le => $"{column} <= {sql.Param(value)}",
            SearchPrefix.Ap => $"({column} >= {sql.Param(value - Math.Abs(value) * 0.1m)} AND {column} <= {sql.Param(value + Math.Abs(value) * 0.1m)})",
            _ => throw new ArgumentOutOfRangeException(nameof(prefix)),
        });
    }

    private static void Quantity(SqlBuilder sql, string i, QuantityValue q)
    {
        if (q.Code is null)
        {
            if (q.System is not null) sql.Append($"{i}.system = {sql.Param(q.System)} AND ");
            Number(sql, $"{i}.value", q.Prefix, q.Value, q.Low, q.High);
            return;
        }
        var canonical = Fhir.Indexing.UcumUnits.Canonical(q.System ?? "http://unitsofmeasure.org", q.Code);
        if (canonical is { } only && q.System is not null)
        {
            // Every stored UCUM quantity in a convertible unit also carries its canonical value, so with the system given
            // the canonical comparison alone finds the same rows, from one index range instead of an OR of two.
            sql.Append($"({i}.canon_code = {sql.Param(only.Code)} AND ");
            Number(sql, $"{i}.canon_value", q.Prefix, q.Value * only.Factor, q.Low * only.Factor, q.High * only.Factor);
            sql.Append(")");
            return;
        }
        sql.Append("((");
        if (q.System is not null) sql.Append($"{i}.system = {sql.Param(q.System)} AND ");
        sql.Append($"{i}.code = {sql.Param(q.Code)} AND ");
        Number(sql, $"{i}.value", q.Prefix, q.Value, q.Low, q.High);
        sql.Append(")");
        if (canonical is { } unit)
        {
            sql.Append($" OR ({i}.canon_code = {sql.Param(unit.Code)} AND ");
            Number(sql, $"{i}.canon_value", q.Prefix, q.Value * unit.Factor, q.Low * unit.Factor, q.High * unit.Factor);
            sql.Append(")");
        }
        sql.Append(")");
    }

    private static void Reference(SqlBuilder sql, string i, ReferenceValue r)
    {
        if (r.Identifier is { } id)
        {
            var parts = new List<string>();
            if (id.SystemGiven) parts.Add(id.System is null ? $"{i}.ident_system IS NULL" : $"{i}.ident_system = {sql.Param(id.System)}");
            if (id.Code is not null) parts.Add($"{i}.ident_value = {sql.Param(id.Code)}");
            sql.Append(parts.Count == 0 ? "1 = 0" : string.Join(" AND ", parts));
            return;
        }
        if (r.Id is not null)
        {
            sql.Append($"{i}.target_id = {sql.Param(r.Id)}");
            if (r.Type is not null) sql.Append($" AND {i}.target_type = {sql.Param(r.Type)}");
            return;
        }
        if (r.Url is not null) { sql.Append($"{i}.url = {sql.Param(r.Url)}"); return; }
        sql.Append(r.Type is not null ? $"{i}.target_type = {sql.Param(r.Type)}" : "1 = 0");
    }

    private static string Like(string value) => value.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
