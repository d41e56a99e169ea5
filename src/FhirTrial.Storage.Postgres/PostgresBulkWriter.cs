using FhirTrial.Fhir.Storage;
using FhirTrial.Storage.Relational;
using Npgsql;
using NpgsqlTypes;

namespace FhirTrial.Storage.Postgres;

/// <summary>Writes many new resources through binary COPY: resource rows, their history rows and every index row.</summary>
internal static class PostgresBulkWriter
{
    public static async Task WriteAsync(NpgsqlConnection connection, IReadOnlyList<ResourceWrite> writes, BulkResourceInsert mode, CancellationToken ct)
    {
        var keys = mode == BulkResourceInsert.Copy
            ? await CopyResourcesAsync(connection, writes, ct)
            : await InsertResourcesAsync(connection, writes, ct);
        await CopyHistoryAsync(connection, writes, ct);
        await CopyIndexAsync(connection, writes, keys, ct);
    }

    /// <summary>Reserves the keys in one round trip, then COPYs the rows with their keys.</summary>
    private static async Task<long[]> CopyResourcesAsync(NpgsqlConnection connection, IReadOnlyList<ResourceWrite> writes, CancellationToken ct)
    {
        var keys = new long[writes.Count];
        await using (var reserve = new NpgsqlCommand("SELECT nextval('resource_rkey_seq') FROM generate_series(1, @n)", connection))
        {
            reserve.Parameters.AddWithValue("n", writes.Count);
            await using var reader = await reserve.ExecuteReaderAsync(ct);
            for (int n = 0; await reader.ReadAsync(ct); n++) keys[n] = reader.GetInt64(0);
        }
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY resource (rkey, type, id, version, last_updated, deleted, json) FROM STDIN (FORMAT BINARY)", ct);
        for (int n = 0; n < writes.Count; n++)
        {
            var w = writes[n];
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(keys[n], NpgsqlDbType.Bigint, ct);
            await WriteVersionAsync(copy, w, ct);
            await copy.WriteAsync(w.Json, NpgsqlDbType.Jsonb, ct);
        }
        await copy.CompleteAsync(ct);
        return keys;
    }

    /// <summary>One INSERT over parameter arrays, returning the keys in input order.</summary>
    private static async Task<long[]> InsertResourcesAsync(NpgsqlConnection connection, IReadOnlyList<ResourceWrite> writes, CancellationToken ct)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO resource (type, id, version, last_updated, deleted, json)
            SELECT t, i, v, u, d, j::jsonb FROM unnest(@t, @i, @v, @u, @d, @j) WITH ORDINALITY AS w(t, i, v, u, d, j, n) ORDER BY n
            RETURNING rkey
            """, connection);
        insert.Parameters.AddWithValue("t", writes.Select(w => w.Type).ToArray());
        insert.Parameters.AddWithValue("i", writes.Select(w => w.Id).ToArray());
        insert.Parameters.AddWithValue("v", writes.Select(w => w.Version).ToArray());
        insert.Parameters.AddWithValue("u", writes.Select(w => w.LastUpdated.UtcTicks).ToArray());
        insert.Parameters.AddWithValue("d", writes.Select(w => w.Deleted ? 1 : 0).ToArray());
        insert.Parameters.AddWithValue("j", writes.Select(w => w.Json).ToArray());
        // RETURNING follows the insertion order, which ORDER BY n fixes to the input order.
        var keys = new long[writes.Count];
        await using var reader = await insert.ExecuteReaderAsync(ct);
        for (int n = 0; await reader.ReadAsync(ct); n++) keys[n] = reader.GetInt64(0);
        return keys;
    }

    /// <summary>History rows of the new versions; their JSON is on the resource row (<see cref="Schema.OnResourceRow"/>).</summary>
    private static async Task CopyHistoryAsync(NpgsqlConnection connection, IReadOnlyList<ResourceWrite> writes, CancellationToken ct)
    {
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY resource_history (type, id, version, last_updated, deleted, method, json) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var w in writes)
        {
            await copy.StartRowAsync(ct);
            await WriteVersionAsync(copy, w, ct);
            await copy.WriteAsync(w.Method, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(CurrentJsonMark, NpgsqlDbType.Jsonb, ct);
        }
        await copy.CompleteAsync(ct);
    }

    /// <summary>The columns a resource row and a history row share: type, id, version, last_updated, deleted.</summary>
    private static async Task WriteVersionAsync(NpgsqlBinaryImporter copy, ResourceWrite w, CancellationToken ct)
    {
        await copy.WriteAsync(w.Type, NpgsqlDbType.Text, ct);
        await copy.WriteAsync(w.Id, NpgsqlDbType.Text, ct);
        await copy.WriteAsync(w.Version, NpgsqlDbType.Integer, ct);
        await copy.WriteAsync(w.LastUpdated.UtcTicks, NpgsqlDbType.Bigint, ct);
        await copy.WriteAsync(w.Deleted ? 1 : 0, NpgsqlDbType.Integer, ct);
    }

    /// <summary><see cref="Schema.OnResourceRow"/> without its SQL quotes.</summary>
    private static readonly string CurrentJsonMark = Schema.OnResourceRow.Trim('\'');

    private static async Task CopyIndexAsync(NpgsqlConnection connection, IReadOnlyList<ResourceWrite> writes, long[] keys, CancellationToken ct)
    {
        var rows = new Dictionary<string, List<(long Key, string Param, int Group, object?[] Values)>>();
        for (int n = 0; n < writes.Count; n++)
        {
            if (writes[n].Deleted) continue;
            foreach (var entry in writes[n].Index)
            {
                var (table, values) = IndexRows.Of(entry);
                if (!rows.TryGetValue(table, out var list)) rows[table] = list = [];
                list.Add((keys[n], entry.Param, entry.Group, values));
            }
        }
        foreach (var (table, list) in rows)
        {
            var columns = Schema.IndexTables[table];
            var types = columns.Select(TypeOf).ToArray();
            await using var copy = await connection.BeginBinaryImportAsync(
                $"COPY {table} (rkey, param, grp, {string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)", ct);
            foreach (var (key, param, group, values) in list)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(key, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(param, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(group, NpgsqlDbType.Integer, ct);
                for (int c = 0; c < values.Length; c++)
                {
                    // Written by their own type: given an object, Npgsql resolves its converter again for every value.
                    switch (values[c])
                    {
                        case null: await copy.WriteNullAsync(ct); break;
                        case string text: await copy.WriteAsync(text, types[c], ct); break;
                        case long number: await copy.WriteAsync(number, types[c], ct); break;
                        case double number: await copy.WriteAsync(number, types[c], ct); break;
                        case var other: await copy.WriteAsync(other, types[c], ct); break;
                    }
                }
            }
            await copy.CompleteAsync(ct);
        }
    }

    private static NpgsqlDbType TypeOf(string column) => PostgresMigrations.ColumnType(column) switch
    {
        "bigint" => NpgsqlDbType.Bigint,
        "double precision" => NpgsqlDbType.Double,
        _ => NpgsqlDbType.Text,
    };
}
