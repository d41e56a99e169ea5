using FhirTrial.Tests.Shared;
using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;

namespace FhirTrial.Storage.Tests.Postgres;

/// <summary>Kill -9 the server in the middle of a stream of transactions: what was acknowledged is whole, the rest is all or nothing.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresDurabilityTests(PostgresCluster cluster) : IAsyncLifetime
{
    private const int ResourcesPerBatch = 25;
    private const int Streams = 4;
    private const string BatchSystem = "urn:fhirtrial:test:batch";
    private string _connectionString = "";

    public async Task InitializeAsync() => _connectionString = await cluster.CreateDatabaseAsync("durability");
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_server_killed_mid_stream_keeps_every_acknowledged_transaction_whole_and_no_other_half_written()
    {
        var acknowledged = new ConcurrentBag<string>();
        var sent = new ConcurrentBag<string>();
        var outstanding = 0;
        await using (var server = await ServerProcess.StartAsync("--Storage:Provider=postgres", "--Storage:ConnectionString", _connectionString))
        {
            using var stop = new CancellationTokenSource();
            var streams = Enumerable.Range(0, Streams).Select(s => Task.Run(async () =>
            {
                for (int n = 0; !stop.IsCancellationRequested; n++)
                {
                    var batch = $"s{s}-b{n}";
                    sent.Add(batch);
                    try
                    {
                        Interlocked.Increment(ref outstanding);
                        var response = await server.Client.PostAsync("/fhir", new StringContent(Bundle(batch), Encoding.UTF8, "application/fhir+json"));
                        Interlocked.Decrement(ref outstanding);
                        if (response.StatusCode == HttpStatusCode.OK) acknowledged.Add(batch);
                        else Assert.Fail($"batch {batch}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                    {
                        return; // the server is gone
                    }
                }
            })).ToArray();

            // Let a steady stream build up, then pull the plug while requests are in flight (at least two, so one finishing
            // in the instant before the kill still leaves another cut off).
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (acknowledged.Count < 40 && DateTime.UtcNow < deadline) await Task.Delay(50);
            while (Volatile.Read(ref outstanding) < 2 && DateTime.UtcNow < deadline) await Task.Yield();
            server.Kill();
            stop.Cancel();
            await Task.WhenAll(streams);
        }

        Assert.True(acknowledged.Count >= 40, $"only {acknowledged.Count} transactions were acknowledged before the kill");
        var inFlight = sent.Except(acknowledged).ToHashSet();
        Assert.NotEmpty(inFlight);

        await using (var restarted = await ServerProcess.StartAsync("--Storage:Provider=postgres", "--Storage:ConnectionString", _connectionString))
        {
            // Through the API (index rows) ...
            foreach (var batch in sent)
            {
                var body = JsonNode.Parse(await restarted.Client.GetStringAsync($"/fhir/Observation?_tag={BatchSystem}|{batch}&_summary=count"))!;
                var count = (int)body["total"]!;
                if (acknowledged.Contains(batch)) Assert.True(count == ResourcesPerBatch, $"acknowledged batch {batch} has {count} of {ResourcesPerBatch} resources");
                else Assert.True(count is 0 or ResourcesPerBatch, $"unacknowledged batch {batch} is half-written: {count} of {ResourcesPerBatch}");
            }
        }

        // ... and in the tables themselves: resources, history and index rows agree batch by batch.
        var rows = await PerBatchAsync("""
            SELECT j.tag->>'code', count(DISTINCT r.rkey), count(DISTINCT (h.id, h.version)), count(DISTINCT d.rkey)
            FROM resource r
            CROSS JOIN LATERAL jsonb_array_elements(r.json->'meta'->'tag') j(tag)
            LEFT JOIN resource_history h ON h.type = r.type AND h.id = r.id
            LEFT JOIN idx_date d ON d.rkey = r.rkey
            WHERE r.type = 'Observation' AND j.tag->>'system' = 'urn:fhirtrial:test:batch'
            GROUP BY 1
            """);
        foreach (var batch in acknowledged) Assert.True(rows.ContainsKey(batch), $"acknowledged batch {batch} is missing from the resource table");
        foreach (var (batch, counts) in rows)
        {
            Assert.Contains(batch, sent);
            Assert.All(counts, c => Assert.Equal(ResourcesPerBatch, c));
        }
    }

    private async Task<Dictionary<string, long[]>> PerBatchAsync(string sql)
    {
        var result = new Dictionary<string, long[]>();
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) result[reader.GetString(0)] = [reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)];
        return result;
    }

    /// <summary>A transaction Bundle: one patient and its weights, every Observation tagged with the batch.</summary>
    private static string Bundle(string batch)
    {
        var entries = new JsonArray(new JsonObject // the patient the weights are about, so their references resolve
        {
            ["resource"] = new JsonObject { ["resourceType"] = "Patient", ["id"] = batch },
            ["request"] = new JsonObject { ["method"] = "PUT", ["url"] = $"Patient/{batch}" },
        });
        for (int k = 0; k < ResourcesPerBatch; k++)
        {
            entries.Add(new JsonObject
            {
                ["fullUrl"] = $"urn:uuid:{Guid.NewGuid()}",
                ["resource"] = new JsonObject
                {
                    ["resourceType"] = "Observation",
                    ["meta"] = new JsonObject { ["tag"] = new JsonArray(new JsonObject { ["system"] = BatchSystem, ["code"] = batch }) },
                    ["status"] = "final",
                    ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = "29463-7" }) },
                    ["subject"] = new JsonObject { ["reference"] = $"Patient/{batch}" },
                    ["effectiveDateTime"] = $"2025-01-{1 + k % 28:D2}",
                    ["valueQuantity"] = new JsonObject { ["value"] = 60 + k, ["unit"] = "kg", ["system"] = "http://unitsofmeasure.org", ["code"] = "kg" },
                },
                ["request"] = new JsonObject { ["method"] = "POST", ["url"] = "Observation" },
            });
        }
        return new JsonObject { ["resourceType"] = "Bundle", ["type"] = "transaction", ["entry"] = entries }.ToJsonString();
    }
}
