using FhirTrial.Storage.Relational;

namespace FhirTrial.Storage.Postgres;

/// <summary>One numbered schema change; applied once, in order, and recorded in <c>schema_migrations</c>.</summary>
public sealed record PostgresMigration(int Version, string Name, string Sql);

/// <summary>The schema history of the PostgreSQL store. Append new migrations; never edit an applied one.</summary>
public static class PostgresMigrations
{
    private static readonly Dictionary<string, string> ColumnTypes = new()
    {
        ["low"] = "bigint", ["high"] = "bigint", ["value"] = "double precision", ["canon_value"] = "double precision",
    };

    public static IReadOnlyList<PostgresMigration> All { get; } =
    [
        new(1, "shared schema: resources, history, typed index tables", InitialSchema()),
        new(2, "value indexes carry rkey: index-only lookups", CoveringValueIndexes()),
        // _id and _lastUpdated are searched on the resource row, not on index rows (DerivedParameters.IsResourceColumn).
        new(3, "_lastUpdated on the resource row", "CREATE INDEX ix_resource_updated ON resource (type, last_updated) WHERE deleted = 0;"),
        new(4, "large resources compressed with lz4", Lz4Json()),
        new(5, "client-assertion ids spent at the token endpoint, kept until they expire", """
            CREATE TABLE used_jti (client_id text COLLATE "C" NOT NULL, jti text COLLATE "C" NOT NULL, expires_at bigint NOT NULL,
              CONSTRAINT used_jti_pkey PRIMARY KEY (client_id, jti));
            CREATE INDEX ix_used_jti_expires ON used_jti (expires_at);
            """),
        new(6, "export job claims: one node runs a job, another takes it over when the lease runs out", """
            CREATE TABLE export_job_claim (job_id text COLLATE "C" PRIMARY KEY, node text NOT NULL,
              lease_until timestamptz NOT NULL, claims integer NOT NULL DEFAULT 1);
            """),
        new(7, "statistics kept fresh: autovacuum analyzes the busy tables sooner; no statistics on the JSON", FreshStatistics()),
    ];

    /// <summary>
    /// Autovacuum analyzes a table once 10 % of it changed, checked every minute; the index tables grow by many rows per
    /// resource, so searches planned on a load's data waited for it. They are analyzed at 2 % here, and the store itself
    /// analyzes after large writes (PostgresStatistics). No query filters on the stored JSON, so ANALYZE skips it (with
    /// statistics on, each analyze read and compared 30,000 documents). Insert-driven vacuums come sooner too, which
    /// keeps the visibility map current for index-only scans.
    /// </summary>
    private static string FreshStatistics()
    {
        string[] busy = ["resource", .. Schema.IndexTables.Keys];
        return string.Join("\n", [
            "ALTER TABLE resource ALTER COLUMN json SET STATISTICS 0;",
            "ALTER TABLE resource_history ALTER COLUMN json SET STATISTICS 0;",
            "ALTER TABLE resource_history SET (autovacuum_analyze_scale_factor = 0.05, autovacuum_vacuum_insert_scale_factor = 0.05);",
            .. busy.Select(t => $"ALTER TABLE {t} SET (autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_scale_factor = 0.05, autovacuum_vacuum_insert_scale_factor = 0.05);"),
        ]);
    }

    /// <summary>
    /// A Bundle's AuditEvent and Provenance (a reference per entry) are the large documents, and pglz compressing them
    /// twice (resource and history) cost about 1% of ingest. lz4 is several times faster. PostgreSQL 13 has no column
    /// compression setting and builds without lz4 refuse it: both keep pglz. EXECUTE defers parsing to run time, so
    /// that PostgreSQL 13 does not reject the block before its version check.
    /// </summary>
    private static string Lz4Json() => """
        DO $$ BEGIN
          IF current_setting('server_version_num')::int >= 140000 THEN
            EXECUTE 'ALTER TABLE resource ALTER COLUMN json SET COMPRESSION lz4';
            EXECUTE 'ALTER TABLE resource_history ALTER COLUMN json SET COMPRESSION lz4';
          END IF;
        EXCEPTION WHEN feature_not_supported THEN RAISE NOTICE 'lz4 is not built in: resources stay pglz-compressed';
        END $$;
        """;

    /// <summary>The value column's SQL type; text columns use the "C" collation so LIKE 'abc%' can walk a btree index.</summary>
    internal static string ColumnType(string column) => ColumnTypes.GetValueOrDefault(column, "text COLLATE \"C\"");

    /// <summary>
    /// The value indexes again, with <c>rkey</c> included: a lookup (<c>SELECT rkey ... WHERE param = .. AND code = ..</c>)
    /// then reads the index alone instead of visiting one heap page per row, which is what intersections of broad
    /// criteria and a patient's reference rows read.
    /// </summary>
    private static string CoveringValueIndexes()
    {
        (string Name, string Definition)[] indexes =
        [
            ("ix_idx_string_value", "idx_string (param, norm)"),
            ("ix_idx_token_value", "idx_token (param, code, system)"),
            ("ix_idx_date_value", "idx_date (param, low, high)"),
            ("ix_idx_date_high", "idx_date (param, high)"),
            ("ix_idx_number_value", "idx_number (param, value)"),
            ("ix_idx_quantity_value", "idx_quantity (param, code, value)"),
            ("ix_idx_uri_value", "idx_uri (param, uri)"),
            ("ix_idx_reference_target", "idx_reference (target_id, target_type, param)"),
        ];
        var sql = indexes.Select(i => $"DROP INDEX {i.Name};\nCREATE INDEX {i.Name} ON {i.Definition} INCLUDE (rkey)").ToList();
        sql.Add("DROP INDEX ix_idx_quantity_canon;\nCREATE INDEX ix_idx_quantity_canon ON idx_quantity (param, canon_code, canon_value) INCLUDE (rkey) WHERE canon_code IS NOT NULL");
        return string.Join(";\n", sql) + ";";
    }

    private static string InitialSchema()
    {
        var sql = new List<string>
        {
            """
            CREATE TABLE resource (
              rkey bigint GENERATED BY DEFAULT AS IDENTITY (SEQUENCE NAME resource_rkey_seq) PRIMARY KEY,
              type text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL, version integer NOT NULL,
              last_updated bigint NOT NULL, deleted integer NOT NULL, json jsonb NOT NULL,
              CONSTRAINT resource_type_id_key UNIQUE (type, id))
            """,
            """
            CREATE TABLE resource_history (
              type text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL, version integer NOT NULL, last_updated bigint NOT NULL,
              deleted integer NOT NULL, method text NOT NULL, json jsonb NOT NULL,
              CONSTRAINT resource_history_pkey PRIMARY KEY (type, id, version))
            """,
            "CREATE INDEX ix_history_time ON resource_history (last_updated)",
            "CREATE INDEX ix_resource_type ON resource (type, rkey) WHERE deleted = 0",
        };
        foreach (var (table, columns) in Schema.IndexTables)
        {
            var cols = string.Join(", ", columns.Select(c => $"{c} {ColumnType(c)}"));
            sql.Add($"CREATE TABLE {table} (rkey bigint NOT NULL, param text COLLATE \"C\" NOT NULL, grp integer NOT NULL, {cols})");
            sql.Add($"CREATE INDEX ix_{table}_rkey ON {table} (rkey, param)");
        }
        // Value indexes, led by the parameter: each matches how SearchCompiler filters that table.
        sql.AddRange(
        [
            "CREATE INDEX ix_idx_string_value ON idx_string (param, norm)",
            "CREATE INDEX ix_idx_string_exact ON idx_string (param, exact)",
            "CREATE INDEX ix_idx_token_value ON idx_token (param, code, system)",
            "CREATE INDEX ix_idx_date_value ON idx_date (param, low, high)",
            "CREATE INDEX ix_idx_date_high ON idx_date (param, high)",
            "CREATE INDEX ix_idx_number_value ON idx_number (param, value)",
            "CREATE INDEX ix_idx_quantity_value ON idx_quantity (param, code, value)",
            "CREATE INDEX ix_idx_quantity_canon ON idx_quantity (param, canon_code, canon_value) WHERE canon_code IS NOT NULL",
            "CREATE INDEX ix_idx_uri_value ON idx_uri (param, uri)",
            // target_id first: it is the selective column, and searches by bare id (subject=123) use the same index.
            "CREATE INDEX ix_idx_reference_target ON idx_reference (target_id, target_type, param)",
            "CREATE INDEX ix_idx_reference_ident ON idx_reference (param, ident_value, ident_system) WHERE ident_value IS NOT NULL",
            "CREATE INDEX ix_idx_reference_url ON idx_reference (param, url) WHERE url IS NOT NULL",
        ]);
        return string.Join(";\n", sql) + ";";
    }
}
