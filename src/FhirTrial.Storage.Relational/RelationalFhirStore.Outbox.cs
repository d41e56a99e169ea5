using System.Data.Common;
using FhirTrial.Fhir.Storage;

namespace FhirTrial.Storage.Relational;

/// <summary>The subscription outbox on the shared schema (table <c>subscription_outbox</c>).</summary>
public abstract partial class RelationalFhirStore
{
    private const string OutboxColumns = "id, subscription_id, resource_type, resource_id, version, occurred, attempts, last_error, event_number";

    public async Task<IReadOnlyList<OutboxNotification>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken ct)
    {
        // The worker asks often: a read says whether anything is due, so an empty outbox never takes the writer's lock.
        await using (var connection = await OpenReadAsync(ct))
        {
            var any = new SqlBuilder().Append("SELECT 1 FROM subscription_outbox WHERE next_attempt <= ");
            any.Append(any.Param(now.UtcTicks)).Append(" LIMIT 1");
            await using var command = any.ToCommand(connection, null);
            if (await command.ExecuteScalarAsync(ct) is null) return [];
        }
        return await ClaimAsync(now, lease, limit, ct);
    }

    private Task<IReadOnlyList<OutboxNotification>> ClaimAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken ct)
        => WriteAsync(async tx =>
        {
            var (connection, transaction) = Open(tx);
            var select = new SqlBuilder().Append($"SELECT {OutboxColumns} FROM subscription_outbox WHERE next_attempt <= ");
            select.Append(select.Param(now.UtcTicks)).Append($" ORDER BY id LIMIT {select.Param(limit)}").Append(SkipLockedClause);
            var due = await ReadOutboxAsync(connection, transaction, select, ct);
            if (due.Count == 0) return due;
            var leased = new SqlBuilder().Append("UPDATE subscription_outbox SET next_attempt = ");
            leased.Append(leased.Param((now + lease).UtcTicks)).Append(" WHERE id IN (")
                .Append(string.Join(", ", due.Select(n => leased.Param(n.Id)))).Append(")");
            await ExecuteAsync(connection, transaction, leased, ct);
            return due;
        }, ct);

    /// <summary>
    /// The notification's event number: the one it was given, or its subscription's next from a count kept per
    /// subscription (<c>subscription_event_count</c>), given now, just before it is first sent, and kept on its row.
    /// Null when the row is gone (another worker delivered it meanwhile).
    /// </summary>
    public Task<long?> EventNumberAsync(OutboxNotification notification, CancellationToken ct)
        => notification.EventNumber is { } given ? Task.FromResult<long?>(given) : WriteAsync(async tx =>
        {
            var (connection, transaction) = Open(tx);
            // the row, locked: a worker that took it over after a lease ran out waits here and then finds its number
            var row = new SqlBuilder().Append("SELECT event_number FROM subscription_outbox WHERE id = ");
            row.Append(row.Param(notification.Id)).Append(ForUpdateClause);
            await using (var command = row.ToCommand(connection, transaction))
            {
                var found = await command.ExecuteScalarAsync(ct);
                if (found is null) return null;
                if (found is not DBNull) return Convert.ToInt64(found);
            }
            var count = new SqlBuilder().Append("INSERT INTO subscription_event_count (subscription_id, events) VALUES (");
            count.Append(count.Param(notification.SubscriptionId)).Append(", 1)");
            count.Append(" ON CONFLICT (subscription_id) DO UPDATE SET events = subscription_event_count.events + 1 RETURNING events");
            long number;
            await using (var command = count.ToCommand(connection, transaction))
                number = Convert.ToInt64(await command.ExecuteScalarAsync(ct));
            var set = new SqlBuilder();
            set.Append("UPDATE subscription_outbox SET event_number = ").Append(set.Param(number)).Append(" WHERE id = ").Append(set.Param(notification.Id));
            await ExecuteAsync(connection, transaction, set, ct);
            return (long?)number;
        }, ct);

    public Task DeliveredAsync(long id, CancellationToken ct)
        => OutboxWriteAsync(sql => sql.Append("DELETE FROM subscription_outbox WHERE id = ").Append(sql.Param(id)), ct);

    public Task RetryAsync(long id, int attempts, DateTimeOffset nextAttempt, string error, CancellationToken ct)
        => OutboxWriteAsync(sql => sql.Append("UPDATE subscription_outbox SET attempts = ").Append(sql.Param(attempts))
            .Append(", next_attempt = ").Append(sql.Param(nextAttempt.UtcTicks))
            .Append(", last_error = ").Append(sql.Param(error)).Append(" WHERE id = ").Append(sql.Param(id)), ct);

    public Task DropAsync(string subscriptionId, CancellationToken ct)
        => OutboxWriteAsync(sql => sql.Append("DELETE FROM subscription_outbox WHERE subscription_id = ").Append(sql.Param(subscriptionId)), ct);

    public Task RescheduleAsync(string subscriptionId, DateTimeOffset nextAttempt, CancellationToken ct)
        => OutboxWriteAsync(sql => sql.Append("UPDATE subscription_outbox SET next_attempt = ").Append(sql.Param(nextAttempt.UtcTicks))
            .Append(" WHERE subscription_id = ").Append(sql.Param(subscriptionId)), ct);

    public async Task<IReadOnlyList<OutboxNotification>> PendingAsync(string subscriptionId, CancellationToken ct)
    {
        await using var connection = await OpenReadAsync(ct);
        var sql = new SqlBuilder().Append($"SELECT {OutboxColumns} FROM subscription_outbox WHERE subscription_id = ");
        sql.Append(sql.Param(subscriptionId)).Append(" ORDER BY id");
        return await ReadOutboxAsync(connection, null, sql, ct);
    }

    private Task OutboxWriteAsync(Action<SqlBuilder> build, CancellationToken ct)
        => WriteAsync(async tx =>
        {
            var (connection, transaction) = Open(tx);
            var sql = new SqlBuilder();
            build(sql);
            await ExecuteAsync(connection, transaction, sql, ct);
            return 0;
        }, ct);

    private static (DbConnection, DbTransaction) Open(IStoreTransaction tx)
        => (((RelationalTransaction)tx).Connection, ((RelationalTransaction)tx).Transaction);

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, SqlBuilder sql, CancellationToken ct)
    {
        await using var command = sql.ToCommand(connection, transaction);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<IReadOnlyList<OutboxNotification>> ReadOutboxAsync(DbConnection connection, DbTransaction? transaction, SqlBuilder sql, CancellationToken ct)
    {
        await using var command = sql.ToCommand(connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var list = new List<OutboxNotification>();
        while (await reader.ReadAsync(ct))
            list.Add(new OutboxNotification(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                Convert.ToInt32(reader.GetValue(4)), new DateTimeOffset(reader.GetInt64(5), TimeSpan.Zero),
                Convert.ToInt32(reader.GetValue(6)), reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : Convert.ToInt64(reader.GetValue(8))));
        return list;
    }
}
