using FhirTrial.Storage.Relational;

namespace FhirTrial.Storage.Sqlite;

/// <summary>The shared schema in SQLite's types, with the indexes the search compiler relies on.</summary>
internal static class SqliteSchema
{
    private static readonly Dictionary<string, string> ColumnTypes = new()
    {
        ["low"] = "INTEGER", ["high"] = "INTEGER", ["value"] = "REAL", ["canon_value"] = "REAL",
    };

    public static IEnumerable<string> Statements
    {
        get
        {
            yield return """
                CREATE TABLE IF NOT EXISTS resource (
                  rkey INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL,
                  last_updated INTEGER NOT NULL, deleted INTEGER NOT NULL, json TEXT NOT NULL, UNIQUE (type, id))
                """;
            yield return """
                CREATE TABLE IF NOT EXISTS resource_history (
                  type TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL, last_updated INTEGER NOT NULL,
                  deleted INTEGER NOT NULL, method TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (type, id, version))
                """;
            yield return "CREATE INDEX IF NOT EXISTS ix_history_time ON resource_history (last_updated)";
            yield return $"""
                CREATE TRIGGER IF NOT EXISTS resource_keep_replaced_version BEFORE UPDATE OF version ON resource
                FOR EACH ROW WHEN OLD.version <> NEW.version
                BEGIN {Schema.KeepReplacedVersion}; END
                """;
            yield return "CREATE INDEX IF NOT EXISTS ix_resource_type ON resource (type, deleted, rkey)";
            // _lastUpdated is searched and sorted on this column (no index rows are written for it).
            yield return "CREATE INDEX IF NOT EXISTS ix_resource_updated ON resource (type, last_updated)";
            foreach (var (table, columns) in Schema.IndexTables)
            {
                var cols = string.Join(", ", columns.Select(c => $"{c} {ColumnTypes.GetValueOrDefault(c, "TEXT")}"));
                yield return $"CREATE TABLE IF NOT EXISTS {table} (rkey INTEGER NOT NULL, param TEXT NOT NULL, grp INTEGER NOT NULL, {cols})";
                yield return $"CREATE INDEX IF NOT EXISTS ix_{table}_rkey ON {table} (rkey, param)";
                yield return $"CREATE INDEX IF NOT EXISTS ix_{table}_value ON {table} (param, {columns[0]}{(columns.Length > 1 ? ", " + columns[1] : "")})";
            }
            yield return "CREATE INDEX IF NOT EXISTS ix_idx_reference_target ON idx_reference (target_id, target_type, param)";
            yield return "CREATE INDEX IF NOT EXISTS ix_idx_token_code ON idx_token (param, code)";
            // Client-assertion ids spent at /auth/token, kept until they expire (IUsedTokenStore).
            yield return "CREATE TABLE IF NOT EXISTS used_jti (client_id TEXT NOT NULL, jti TEXT NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (client_id, jti))";
            yield return "CREATE INDEX IF NOT EXISTS ix_used_jti_expires ON used_jti (expires_at)";
            // Subscription notifications, written in the transaction of the change (ISubscriptionOutbox).
            yield return """
                CREATE TABLE IF NOT EXISTS subscription_outbox (
                  id INTEGER PRIMARY KEY AUTOINCREMENT, subscription_id TEXT NOT NULL, resource_type TEXT NOT NULL,
                  resource_id TEXT NOT NULL, version INTEGER NOT NULL, occurred INTEGER NOT NULL, attempts INTEGER NOT NULL,
                  next_attempt INTEGER NOT NULL, last_error TEXT, event_number INTEGER)
                """;
            yield return "CREATE INDEX IF NOT EXISTS ix_subscription_outbox_due ON subscription_outbox (next_attempt)";
            yield return "CREATE INDEX IF NOT EXISTS ix_subscription_outbox_subscription ON subscription_outbox (subscription_id)";
            // Event numbers per subscription (RelationalFhirStore.EventNumberAsync); outboxes made before them get the column
            // from SqliteFhirStore.MigrateAsync.
            yield return "CREATE TABLE IF NOT EXISTS subscription_event_count (subscription_id TEXT PRIMARY KEY, events INTEGER NOT NULL)";
            yield return SubscriptionOwnerRows;
        }
    }

    /// <summary>
    /// The owner rows (<c>owner-client</c>, <c>owner-site</c>) of Subscriptions stored before those parameters existed,
    /// from the owner stamp in their JSON: without them their owners could not see, change or turn them off. Runs at every
    /// start and writes nothing once each has its rows.
    /// </summary>
    internal static string SubscriptionOwnerRows => $$"""
        INSERT INTO idx_token (rkey, param, grp, system, code, text)
        SELECT r.rkey, 'owner-' || json_extract(part.value, '$.url'), 0, NULL, json_extract(part.value, '$.valueString'), NULL
        FROM resource r, json_each(r.json, '$.extension') owner, json_each(owner.value, '$.extension') part
        WHERE r.type = 'Subscription' AND r.deleted = 0
          AND json_extract(owner.value, '$.url') = '{{Fhir.Subscriptions.SubscriptionOwner.Url}}'
          AND json_extract(part.value, '$.url') IN ('client', 'site') AND json_extract(part.value, '$.valueString') IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM idx_token t WHERE t.rkey = r.rkey AND t.param = 'owner-' || json_extract(part.value, '$.url'))
        """;
}
