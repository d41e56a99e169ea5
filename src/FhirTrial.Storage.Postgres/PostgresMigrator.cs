using Npgsql;

namespace FhirTrial.Storage.Postgres;

/// <summary>Brings a database to the newest schema: numbered migrations, each in its own transaction, under an advisory lock.</summary>
public static class PostgresMigrator
{
    // Any fixed number: servers starting together queue on it, and the second finds the work done.
    private const long MigrationLock = 0x46_48_49_52_54_52_4C; // "FHIRTRL"

    /// <summary>Applies pending migrations to the database named by the connection string; returns the versions applied now.</summary>
    public static async Task<IReadOnlyList<int>> MigrateAsync(string connectionString, CancellationToken ct = default)
    {
        await using var connections = new PostgresConnections(connectionString);
        return await MigrateAsync(connections, ct);
    }

    internal static async Task<IReadOnlyList<int>> MigrateAsync(PostgresConnections connections, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(connections.Write, ct);
        await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({MigrationLock})", ct);
        try
        {
            await ExecuteAsync(connection, null,
                "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())", ct);
            var applied = new HashSet<int>();
            await using (var read = new NpgsqlCommand("SELECT version FROM schema_migrations", connection))
            await using (var reader = await read.ExecuteReaderAsync(ct))
                while (await reader.ReadAsync(ct)) applied.Add(reader.GetInt32(0));

            var done = new List<int>();
            foreach (var migration in PostgresMigrations.All.OrderBy(m => m.Version).Where(m => !applied.Contains(m.Version)))
            {
                await using var tx = await connection.BeginTransactionAsync(ct);
                await ExecuteAsync(connection, tx, migration.Sql, ct);
                await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name) VALUES (@v, @n)", connection, tx))
                {
                    record.Parameters.AddWithValue("v", migration.Version);
                    record.Parameters.AddWithValue("n", migration.Name);
                    await record.ExecuteNonQueryAsync(ct);
                }
                await tx.CommitAsync(ct);
                done.Add(migration.Version);
            }
            return done;
        }
        finally
        {
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({MigrationLock})", CancellationToken.None);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        await command.ExecuteNonQueryAsync(ct);
    }
}
