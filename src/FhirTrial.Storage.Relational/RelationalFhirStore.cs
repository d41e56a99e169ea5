using System.Data.Common;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Search;
using FhirTrial.Fhir.Storage;

namespace FhirTrial.Storage.Relational;

/// <summary>The store over any ADO.NET database with the shared schema; subclasses supply connections, DDL and locking.</summary>
public abstract partial class RelationalFhirStore : IFhirStore, IUsedTokenStore, ISubscriptionOutbox
{
    protected const string ResourceColumns = "r.rkey, r.type, r.id, r.version, r.last_updated, r.deleted, r.json";

    public abstract Task MigrateAsync(CancellationToken ct);

    /// <summary>An open connection for reads.</summary>
    protected abstract Task<DbConnection> OpenReadAsync(CancellationToken ct);

    /// <summary>Runs the work in one write transaction with the store's locking and retry policy.</summary>
    public abstract Task<T> WriteAsync<T>(Func<IStoreTransaction, Task<T>> work, CancellationToken ct);

    /// <summary>Serializes conditional creates that share an identifying search (no-op where writers are already serialized).</summary>
    protected internal virtual Task LockAsync(DbConnection connection, DbTransaction transaction, string key, CancellationToken ct)
        => Task.CompletedTask;

    /// <summary>Row lock for read-for-update; empty where the whole database is locked by the writer.</summary>
    protected internal virtual string ForUpdateClause => "";

    /// <summary>Row lock for claiming queue rows that skips rows another worker holds; empty where writers are serialized.</summary>
    protected internal virtual string SkipLockedClause => "";

    /// <summary>True where the database binds an array as one parameter (see <see cref="SqlBuilder.InSet"/>).</summary>
    protected internal virtual bool ArrayParameters => false;

    /// <summary>An empty statement in this store's dialect.</summary>
    protected internal SqlBuilder Sql() => new() { ArrayParameters = ArrayParameters };

    /// <summary>Lock that keeps a row from being deleted (not from being updated); empty where writers are serialized.</summary>
    protected internal virtual string KeyShareClause => "";

    /// <summary>Writes many new resources; the default goes row by row, stores override with bulk paths.</summary>
    protected internal virtual async Task PutManyAsync(RelationalTransaction tx, IReadOnlyList<ResourceWrite> writes, CancellationToken ct)
    {
        foreach (var write in writes) await tx.PutAsync(write, ct);
    }

    /// <summary>Inserts the resource row and returns its key (dialects differ only in how they return it).</summary>
    protected internal virtual string InsertResourceSql =>
        "INSERT INTO resource (type, id, version, last_updated, deleted, json) VALUES (@t, @i, @v, @u, @d, @j) RETURNING rkey";

    /// <summary>True when <paramref name="e"/> says the database dropped the connection (a restart, a failover): nothing was done.</summary>
    protected virtual bool IsConnectionLost(Exception e) => false;

    /// <summary>Called after a lost connection, before the retry: pooled connections to the old server are dead too.</summary>
    protected virtual void ConnectionLost() { }

    /// <summary>Runs a read on a pooled connection; reads change nothing, so one that failed on a lost connection runs
    /// once more on a new one instead of failing the request.</summary>
    private async Task<T> ReadingAsync<T>(Func<DbConnection, Task<T>> read, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await OpenReadAsync(ct);
                return await read(connection);
            }
            catch (Exception e) when (attempt == 1 && IsConnectionLost(e) && !ct.IsCancellationRequested)
            {
                ConnectionLost();
            }
        }
    }

    /// <summary>How the json parameter is bound (PostgreSQL binds jsonb).</summary>
    protected internal virtual void BindJson(DbParameter parameter, string json) => parameter.Value = json;

    public async Task<StoredResource?> ReadAsync(string type, string id, CancellationToken ct)
    {
        return await ReadingAsync(async connection =>
        {
            var sql = Sql().Append($"SELECT {ResourceColumns} FROM resource r WHERE r.type = ");
            sql.Append(sql.Param(type)).Append(" AND r.id = ").Append(sql.Param(id));
            return (await QueryAsync(connection, null, sql, ct)).FirstOrDefault();
        }, ct);
    }

    public async Task<StoredResource?> ReadVersionAsync(string type, string id, int version, CancellationToken ct)
    {
        return await ReadingAsync(async connection =>
        {
            var sql = Sql().Append($"SELECT 0, h.type, h.id, h.version, h.last_updated, h.deleted, {Schema.HistoryJson}, h.method FROM resource_history h WHERE h.type = ");
            sql.Append(sql.Param(type)).Append(" AND h.id = ").Append(sql.Param(id)).Append(" AND h.version = ").Append(sql.Param(version));
            return (await QueryAsync(connection, null, sql, ct)).FirstOrDefault();
        }, ct);
    }

    public async Task<IReadOnlyList<StoredResource>> ReadManyAsync(IReadOnlyCollection<ResourceKey> keys, CancellationToken ct)
    {
        if (keys.Count == 0) return [];
        return await ReadingAsync(async connection =>
        {
            var results = new List<StoredResource>();
            foreach (var chunk in keys.Distinct().Chunk(200))
            {
                var sql = Sql().Append($"SELECT {ResourceColumns} FROM resource r WHERE r.deleted = 0 AND (");
                sql.Append(string.Join(" OR ", chunk.Select(k => $"(r.type = {sql.Param(k.Type)} AND r.id = {sql.Param(k.Id)})")));
                sql.Append(")");
                results.AddRange(await QueryAsync(connection, null, sql, ct));
            }
            return results;
        }, ct);
    }

    /// <summary>How many keys a search answered from the index alone reads at most to give its page and total: reading
    /// 50,000 keys costs a few milliseconds, less than computing the intersection a second time to count it.</summary>
    public const int DefaultKeysFirstLimit = 50_000;

    /// <summary><see cref="DefaultKeysFirstLimit"/>, lowered by tests to reach the paths beyond it.</summary>
    public int KeysFirstLimit { get; set; } = DefaultKeysFirstLimit;

    public async Task<SearchPage> SearchAsync(SearchQuery query, CancellationToken ct)
    {
        return await ReadingAsync(async connection =>
        {
            if (query.Count > 0 && query.Sort.Count == 0 && SearchCompiler.MatchedByIndexAlone(query)
                && await KeysFirstAsync(connection, query, ct) is { } answered)
                return answered;
            // A broad search (no patient or id to start from) likely fills its page, so its total is counted on a second
            // connection while the page is read, rather than after it; it is dropped if the page turns out not full.
            using var cancelCount = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var early = query.CountTotal && query.Count > 0 && SearchCompiler.IsBroad(query) ? CountAsync(query, null, cancelCount.Token) : null;
            try
            {
                IReadOnlyList<StoredResource> page = [];
                if (query.Count > 0)
                {
                    var sql = Sql().Append($"SELECT {ResourceColumns} FROM resource r WHERE ");
                    SearchCompiler.Where(sql, query);
                    SearchCompiler.OrderBy(sql, query);
                    sql.Append($" LIMIT {sql.Param(query.Count)} OFFSET {sql.Param(query.Offset)}");
                    page = await QueryAsync(connection, null, sql, ct);
                }
                int? total = null;
                if (query.CountTotal)
                {
                    if (query.Offset == 0 && page.Count < query.Count) total = page.Count;
                    else total = await (early ?? CountAsync(query, connection, ct));
                }
                return new SearchPage(page, total);
            }
            finally
            {
                if (early is not null)
                {
                    if (!early.IsCompleted) await cancelCount.CancelAsync();
                    try { await early; } catch (Exception) { } // observed; when the page did not need it, its failure is no one's concern
                }
            }
        }, ct);
    }

    /// <summary>
    /// A search whose matches are one intersection of index lookups: its keys are read once, in order, and give both the
    /// page and the total; then the page's rows are read by key. Computing the intersection twice, for the page and for
    /// the count, cost twice the CPU, and on two cores the two queries slowed each other. Null when the page lies beyond
    /// the keys read (more than <see cref="KeysFirstLimit"/> matches): the general path answers it.
    /// </summary>
    private async Task<SearchPage?> KeysFirstAsync(DbConnection connection, SearchQuery query, CancellationToken ct)
    {
        var sql = Sql();
        SearchCompiler.MatchingKeys(sql, query, KeysFirstLimit + 1);
        var keys = new List<long>();
        await using (var command = sql.ToCommand(connection, null))
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) keys.Add(reader.GetInt64(0));
        var complete = keys.Count <= KeysFirstLimit;
        if (!complete && (long)query.Offset + query.Count > KeysFirstLimit) return null;

        var pageKeys = keys.Skip(query.Offset).Take(query.Count).ToList();
        IReadOnlyList<StoredResource> page = [];
        if (pageKeys.Count > 0)
        {
            // The type is checked again for rows an older registry may have stored under a name now another type's too.
            var read = Sql().Append($"SELECT {ResourceColumns} FROM resource r WHERE r.deleted = 0 AND r.type = ");
            read.Append(read.Param(query.ResourceType!)).Append(" AND r.rkey IN (");
            read.Append(string.Join(", ", pageKeys.Select(k => read.Param(k)))).Append(") ORDER BY r.rkey");
            page = await QueryAsync(connection, null, read, ct);
        }
        int? total = !query.CountTotal ? null : complete ? keys.Count : await CountAsync(query, connection, ct);
        return new SearchPage(page, total);
    }

    /// <summary>The search's total, on <paramref name="connection"/> or on a connection of its own.</summary>
    private async Task<int> CountAsync(SearchQuery query, DbConnection? connection, CancellationToken ct)
    {
        var own = connection is null ? await OpenReadAsync(ct) : null;
        try
        {
            var count = Sql();
            SearchCompiler.Count(count, query);
            await using var command = count.ToCommand(connection ?? own!, null);
            return Convert.ToInt32(await command.ExecuteScalarAsync(ct));
        }
        finally
        {
            if (own is not null) await own.DisposeAsync();
        }
    }

    public async Task<IReadOnlyList<ResourceKey>> ReferencesFromAsync(IReadOnlyCollection<long> keys, string? param, string? targetType, CancellationToken ct)
    {
        if (keys.Count == 0) return [];
        return await ReadingAsync(async connection =>
        {
            var result = new HashSet<ResourceKey>();
            foreach (var chunk in keys.Chunk(500))
            {
                var sql = Sql().Append("SELECT DISTINCT i.target_type, i.target_id FROM idx_reference i WHERE i.target_id IS NOT NULL AND i.rkey IN (");
                sql.Append(string.Join(", ", chunk.Select(k => sql.Param(k)))).Append(")");
                if (param is not null) sql.Append($" AND {SearchCompiler.ParamIs(sql, "i", null, param, Hl7.Fhir.Model.SearchParamType.Reference)}");
                if (targetType is not null) sql.Append($" AND i.target_type = {sql.Param(targetType)}");
                await using var command = sql.ToCommand(connection, null);
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) result.Add(new ResourceKey(reader.GetString(0), reader.GetString(1)));
            }
            return result.ToList();
        }, ct);
    }

    public Task<bool> TryUseAsync(string clientId, string jti, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken ct)
        => WriteAsync(async tx =>
        {
            var (connection, transaction) = (((RelationalTransaction)tx).Connection, ((RelationalTransaction)tx).Transaction);
            var purge = Sql().Append("DELETE FROM used_jti WHERE expires_at < ");
            purge.Append(purge.Param(now.ToUnixTimeMilliseconds()));
            await using (var command = purge.ToCommand(connection, transaction)) await command.ExecuteNonQueryAsync(ct);
            // The primary key makes the insert the test: a second use, even a concurrent one, inserts nothing.
            var insert = Sql().Append("INSERT INTO used_jti (client_id, jti, expires_at) VALUES (");
            insert.Append(insert.Param(clientId)).Append(", ").Append(insert.Param(jti)).Append(", ")
                .Append(insert.Param(expiresAt.ToUnixTimeMilliseconds())).Append(") ON CONFLICT (client_id, jti) DO NOTHING");
            await using (var command = insert.ToCommand(connection, transaction)) return await command.ExecuteNonQueryAsync(ct) == 1;
        }, ct);

    public async Task<HistoryPage> HistoryAsync(HistoryQuery query, CancellationToken ct)
    {
        return await ReadingAsync(async connection =>
        {
            var filter = Sql();
            void Where(SqlBuilder sql)
            {
                sql.Append(" WHERE 1 = 1");
                if (query.Type is not null) sql.Append($" AND h.type = {sql.Param(query.Type)}");
                if (query.Id is not null) sql.Append($" AND h.id = {sql.Param(query.Id)}");
                if (query.Since is { } since) sql.Append($" AND h.last_updated >= {sql.Param(since.UtcTicks)}");
                if (query.At is { } at) sql.Append($" AND h.last_updated <= {sql.Param(at.UtcTicks)}");
                if (query.Filter is { } filter)
                {
                    sql.Append(" AND EXISTS (SELECT 1 FROM resource r WHERE r.type = h.type AND r.id = h.id AND ");
                    SearchCompiler.Condition(sql, filter, "r");
                    sql.Append(")");
                }
            }
            var select = Sql().Append($"SELECT 0, h.type, h.id, h.version, h.last_updated, h.deleted, {Schema.HistoryJson}, h.method FROM resource_history h");
            Where(select);
            select.Append($" ORDER BY h.last_updated DESC, h.version DESC LIMIT {select.Param(query.Count)} OFFSET {select.Param(query.Offset)}");
            var versions = await QueryAsync(connection, null, select, ct);
            var count = Sql().Append("SELECT COUNT(*) FROM resource_history h");
            Where(count);
            await using var command = count.ToCommand(connection, null);
            var total = Convert.ToInt32(await command.ExecuteScalarAsync(ct));
            return new HistoryPage(versions, total);
        }, ct);
    }

    internal static async Task<IReadOnlyList<StoredResource>> QueryAsync(DbConnection connection, DbTransaction? transaction, SqlBuilder sql, CancellationToken ct)
    {
        await using var command = sql.ToCommand(connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var list = new List<StoredResource>();
        var hasMethod = reader.FieldCount > 7;
        while (await reader.ReadAsync(ct))
        {
            list.Add(new StoredResource(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), Convert.ToInt32(reader.GetValue(3)),
                new DateTimeOffset(reader.GetInt64(4), TimeSpan.Zero), Convert.ToInt32(reader.GetValue(5)) != 0,
                reader.GetString(6), hasMethod ? reader.GetString(7) : "PUT"));
        }
        return list;
    }

}
