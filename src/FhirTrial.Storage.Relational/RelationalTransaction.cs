using System.Data.Common;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Search;
using FhirTrial.Fhir.Security;
using FhirTrial.Fhir.Storage;

namespace FhirTrial.Storage.Relational;

/// <summary>One write transaction on the shared schema: versioned upserts, history and index rows.</summary>
public sealed class RelationalTransaction(RelationalFhirStore store, DbConnection connection, DbTransaction transaction) : IStoreTransaction
{
    public DbConnection Connection => connection;
    public DbTransaction Transaction => transaction;

    /// <summary>What this transaction added, reported to the store's statistics upkeep once it commits.</summary>
    public TableGrowth Growth { get; } = new();

    public async Task<StoredResource?> ReadForUpdateAsync(string type, string id, CancellationToken ct)
    {
        var sql = store.Sql().Append("SELECT r.rkey, r.type, r.id, r.version, r.last_updated, r.deleted, r.json FROM resource r WHERE r.type = ");
        sql.Append(sql.Param(type)).Append(" AND r.id = ").Append(sql.Param(id)).Append(store.ForUpdateClause);
        return (await RelationalFhirStore.QueryAsync(connection, transaction, sql, ct)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<string>> FindIdsAsync(SearchQuery query, int limit, CancellationToken ct)
    {
        var sql = store.Sql().Append("SELECT r.id FROM resource r WHERE ");
        SearchCompiler.Where(sql, query);
        await store.LockAsync(connection, transaction, LockKey(sql), ct);
        sql.Append($" ORDER BY r.rkey LIMIT {sql.Param(limit)}");
        await using var command = sql.ToCommand(connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var ids = new List<string>();
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetString(0));
        return ids;
    }

    /// <summary>The compiled search with its values: equal exactly when two conditional operations look for the same
    /// thing. (Record ToString prints list types, not contents, so it would put unrelated searches on one lock.)</summary>
    private static string LockKey(SqlBuilder where)
        => where.Text + "|" + string.Join("|", where.Parameters.Select(p => p.Value is string[] set ? string.Join(",", set)
            : Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture)));

    public async Task<StoredResource> PutAsync(ResourceWrite write, CancellationToken ct)
    {
        var current = await CurrentAsync(write.Type, write.Id, ct);
        if ((current?.Version ?? 0) != write.Version - 1) throw Conflict(write, current?.Version);
        long key;
        if (current is null)
        {
            await using var insert = Command(store.InsertResourceSql, write);
            key = Convert.ToInt64(await insert.ExecuteScalarAsync(ct));
        }
        else
        {
            key = current.Value.Key;
            // the store's trigger moves the replaced version's JSON into its history row (Schema.KeepReplacedVersion)
            await using var update = Command(
                "UPDATE resource SET version = @v, last_updated = @u, deleted = @d, json = @j WHERE rkey = @k AND version = @old", write);
            AddParameter(update, "@k", key);
            AddParameter(update, "@old", current.Value.Version);
            if (await update.ExecuteNonQueryAsync(ct) != 1) throw Conflict(write, current.Value.Version);
            foreach (var table in Schema.IndexTables.Keys)
            {
                await using var delete = connection.CreateCommand();
                delete.Transaction = transaction;
                delete.CommandText = $"DELETE FROM {table} WHERE rkey = @k";
                AddParameter(delete, "@k", key);
                await delete.ExecuteNonQueryAsync(ct);
            }
        }
        await using (var history = Command(
            $"INSERT INTO resource_history (type, id, version, last_updated, deleted, method, json) VALUES (@t, @i, @v, @u, @d, @m, {Schema.OnResourceRow})", write))
        {
            await history.ExecuteNonQueryAsync(ct);
        }
        if (!write.Deleted) await InsertIndexAsync(key, write, ct);
        Growth.Add(write, newResource: current is null);
        return new StoredResource(key, write.Type, write.Id, write.Version, write.LastUpdated, write.Deleted, write.Json, write.Method);
    }

    public async Task PutManyAsync(IReadOnlyList<ResourceWrite> writes, CancellationToken ct)
    {
        var before = Growth.Total;
        await store.PutManyAsync(this, writes, ct);
        // the row-by-row fallback counted its rows through PutAsync already
        if (Growth.Total == before)
            foreach (var write in writes) Growth.Add(write, newResource: true);
    }

    /// <summary>Ids per statement of the batched lookups below.</summary>
    private const int IdsPerLookup = 500;

    public async Task<IReadOnlyDictionary<string, int>> CurrentVersionsAsync(string type, IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        var found = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var chunk in ids.Distinct(StringComparer.Ordinal).Chunk(IdsPerLookup))
        {
            var sql = store.Sql().Append("SELECT r.id, r.version FROM resource r WHERE r.deleted = 0 AND r.type = ");
            sql.Append(sql.Param(type)).Append(" AND r.id IN (").Append(string.Join(", ", chunk.Select(id => sql.Param(id)))).Append(")");
            sql.Append(store.KeyShareClause);
            await using var command = sql.ToCommand(connection, transaction);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) found[reader.GetString(0)] = Convert.ToInt32(reader.GetValue(1));
        }
        return found;
    }

    public async Task<Referrers> ReferrersAsync(IReadOnlyCollection<ResourceKey> targets, IReadOnlyCollection<string> ignoredTypes, int limit, CancellationToken ct)
    {
        var links = new List<ReferrerLink>();
        foreach (var chunk in targets.Distinct().Chunk(IdsPerLookup / 2))
        {
            if (links.Count >= limit) break;
            var sql = store.Sql().Append("SELECT DISTINCT r.type, r.id, i.target_type, i.target_id FROM idx_reference i JOIN resource r ON r.rkey = i.rkey WHERE r.deleted = 0");
            if (ignoredTypes.Count > 0) sql.Append(" AND r.type NOT IN (").Append(string.Join(", ", ignoredTypes.Select(t => sql.Param(t)))).Append(")");
            sql.Append(" AND (").Append(string.Join(" OR ", chunk.Select(k => $"(i.target_id = {sql.Param(k.Id)} AND i.target_type = {sql.Param(k.Type)})"))).Append(")");
            sql.Append($" ORDER BY r.type, r.id LIMIT {sql.Param(limit - links.Count)}");
            await using var command = sql.ToCommand(connection, transaction);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                links.Add(new ReferrerLink(new ResourceKey(reader.GetString(0), reader.GetString(1)), new ResourceKey(reader.GetString(2), reader.GetString(3))));
        }
        return new Referrers(links, []);
    }

    public async Task<IReadOnlyList<string>> MatchingIdsAsync(SearchQuery query, AccessPrincipal reader, int limit, CancellationToken ct)
    {
        // The reader's restriction is added here, where the rows are, whoever calls.
        var sql = new SqlBuilder().Append("SELECT r.id FROM resource r WHERE ");
        SearchCompiler.Where(sql, GuardedFhirStore.Restrict(query, reader));
        sql.Append($" ORDER BY r.rkey LIMIT {sql.Param(limit)}");
        await using var command = sql.ToCommand(connection, transaction);
        await using var rows = await command.ExecuteReaderAsync(ct);
        var ids = new List<string>();
        while (await rows.ReadAsync(ct)) ids.Add(rows.GetString(0));
        return ids;
    }

    public async Task EnqueueNotificationsAsync(IReadOnlyList<PendingNotification> notifications, CancellationToken ct)
    {
        foreach (var chunk in notifications.Chunk(RowsPerInsert))
        {
            var sql = new SqlBuilder().Append(
                "INSERT INTO subscription_outbox (subscription_id, resource_type, resource_id, version, occurred, attempts, next_attempt) VALUES ");
            sql.Append(string.Join(", ", chunk.Select(n =>
                $"({sql.Param(n.SubscriptionId)}, {sql.Param(n.ResourceType)}, {sql.Param(n.ResourceId)}, {sql.Param(n.Version)}, "
                + $"{sql.Param(n.Occurred.UtcTicks)}, 0, {sql.Param(n.Occurred.UtcTicks)})")));
            await using var command = sql.ToCommand(connection, transaction);
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Rows per INSERT statement: one round trip for most resources, a handful for a Provenance of a large Bundle.</summary>
    private const int RowsPerInsert = 200;

    private async Task InsertIndexAsync(long key, ResourceWrite write, CancellationToken ct)
    {
        foreach (var byTable in write.Index.Select(IndexRows.Of).Zip(write.Index).GroupBy(row => row.First.Table))
        {
            var columns = Schema.IndexTables[byTable.Key];
            foreach (var chunk in byTable.Chunk(RowsPerInsert))
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                AddParameter(command, "@k", key);
                var rows = new List<string>(chunk.Length);
                for (int r = 0; r < chunk.Length; r++)
                {
                    var ((_, values), entry) = chunk[r];
                    AddParameter(command, $"@p{r}", entry.Param);
                    AddParameter(command, $"@g{r}", entry.Group);
                    for (int n = 0; n < values.Length; n++) AddParameter(command, $"@c{r}_{n}", values[n]);
                    rows.Add($"(@k, @p{r}, @g{r}, {string.Join(", ", Enumerable.Range(0, values.Length).Select(n => $"@c{r}_{n}"))})");
                }
                command.CommandText = $"INSERT INTO {byTable.Key} (rkey, param, grp, {string.Join(", ", columns)}) VALUES {string.Join(", ", rows)}";
                await command.ExecuteNonQueryAsync(ct);
            }
        }
    }

    private async Task<(long Key, int Version)?> CurrentAsync(string type, string id, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT rkey, version FROM resource WHERE type = @t AND id = @i";
        AddParameter(command, "@t", type);
        AddParameter(command, "@i", id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return (reader.GetInt64(0), Convert.ToInt32(reader.GetValue(1)));
    }

    private DbCommand Command(string sql, ResourceWrite write)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        AddParameter(command, "@t", write.Type);
        AddParameter(command, "@i", write.Id);
        AddParameter(command, "@v", write.Version);
        AddParameter(command, "@u", write.LastUpdated.UtcTicks);
        AddParameter(command, "@d", write.Deleted ? 1 : 0);
        if (sql.Contains("@m")) AddParameter(command, "@m", write.Method);
        if (!sql.Contains("@j")) return command;
        var json = command.CreateParameter();
        json.ParameterName = "@j";
        store.BindJson(json, write.Json);
        command.Parameters.Add(json);
        return command;
    }

    private static void AddParameter(DbCommand command, string name, object? value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        command.Parameters.Add(p);
    }

    private static VersionConflictException Conflict(ResourceWrite write, int? stored)
        => new(write.Type, write.Id, write.Version - 1, stored);
}
