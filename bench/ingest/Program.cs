using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FhirTrial.Bench.Ingest;
using Npgsql;

// Load driver for the PostgreSQL store: pushes the EHR feed over HTTP from concurrent clients, runs the search mix,
// and loads the same resources with psql \copy into a bare jsonb table as the floor. See bench/README.md.
var options = Options.Parse(args);
Console.WriteLine($"generating {options.Patients} patient Bundles ...");
var feed = Enumerable.Range(options.FirstPatient, options.Patients).AsParallel().AsOrdered().Select(EhrFeed.Patient).ToList();
var resourceCount = feed.Sum(f => f.Resources.Count);
Console.WriteLine($"{resourceCount} resources, {feed.Average(f => f.Resources.Count):F1} per Bundle, {feed.Sum(f => (long)f.Bundle.Length) / 1e6:F1} MB of JSON");

if (options.StoreOnly)
{
    await StoreBench.RunAsync(options.Database ?? throw new ArgumentException("--store needs --db"), feed, options.Clients);
    return;
}

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Clients + 2 })
{
    BaseAddress = new Uri(options.Base.TrimEnd('/') + "/"), Timeout = TimeSpan.FromMinutes(5),
};

// Warm-up (not measured): a running server has its hot paths compiled by the tiered JIT; a cold one takes the first
// ~50,000 resources to get there. These patients are numbered from 10,000,000 so their MRNs never meet the measured ones.
if (options.Warmup > 0)
{
    var warm = Enumerable.Range(10_000_000 + options.FirstPatient, options.Warmup).AsParallel().Select(EhrFeed.Patient).ToList();
    var nextWarm = -1;
    await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(_ => Task.Run(async () =>
    {
        for (int i; (i = Interlocked.Increment(ref nextWarm)) < warm.Count;)
        {
            using var response = await http.PostAsync("", new StringContent(warm[i].Bundle, Encoding.UTF8, "application/fhir+json"));
            response.EnsureSuccessStatusCode();
        }
    })));
    Console.WriteLine($"warm-up: {warm.Sum(w => w.Resources.Count)} resources pushed first, not measured");
}

// Ingest: every client takes the next Bundle until none are left.
var patients = new string[feed.Count];
var next = -1;
var ingest = Stopwatch.StartNew();
await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(_ => Task.Run(async () =>
{
    for (int i; (i = Interlocked.Increment(ref next)) < feed.Count;)
    {
        using var response = await http.PostAsync("", new StringContent(feed[i].Bundle, Encoding.UTF8, "application/fhir+json"));
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"Bundle {i}: {(int)response.StatusCode} {body[..Math.Min(400, body.Length)]}");
        var location = (string)JsonNode.Parse(body)!["entry"]![0]!["response"]!["location"]!;
        patients[i] = location.Split('/')[1];
    }
})));
ingest.Stop();
var perSecond = resourceCount / ingest.Elapsed.TotalSeconds;
Console.WriteLine($"ingest: {resourceCount} resources in {ingest.Elapsed.TotalSeconds:F1} s = {perSecond:F0} resources/s ({feed.Count / ingest.Elapsed.TotalSeconds:F1} Bundles/s, {options.Clients} clients)");

// Search mix, one client, after a warm-up.
var random = new Random(42);
string Pick() => patients[random.Next(patients.Length)];
var mix = new (string Name, Func<string> Query)[]
{
    ("observations of a patient by code", () => $"Observation?subject=Patient/{Pick()}&code=http://loinc.org|718-7"),
    ("quantity comparison", () => $"Observation?code=http://loinc.org|718-7&value-quantity=lt{10.5 + random.NextDouble():F2}|http://unitsofmeasure.org|g/dL&_count=20"),
    ("quantity comparison, _total=none", () => $"Observation?code=http://loinc.org|718-7&value-quantity=lt{10.5 + random.NextDouble():F2}|http://unitsofmeasure.org|g/dL&_count=20&_total=none"),
    ("date range of a patient", () => $"Observation?subject=Patient/{Pick()}&date=ge2025-03-01&date=lt2025-05-01"),
    ("patient by identifier + _revinclude", () => $"Patient?identifier={EhrFeed.MrnSystem}|MRN{options.FirstPatient + random.Next(options.Patients):D7}&_revinclude=AdverseEvent:subject"),
    ("lesion sizes of a patient, sorted", () => $"Observation?patient=Patient/{Pick()}&code=http://loinc.org|21889-1&_sort=-date"),
    // issue 16's two searches that were slow until statistics caught up after a load
    ("a patient's labs by MRN (chained) and code", () => $"Observation?subject:Patient.identifier={EhrFeed.MrnSystem}|MRN{options.FirstPatient + random.Next(options.Patients):D7}&code=http://loinc.org|718-7"),
    ("date range with a code across patients", () => $"Observation?code=http://loinc.org|718-7&date=ge2025-03-01&date=lt2025-03-15&_count=20"),
};
if (options.Searches == 0) return; // ingest only
if (options.Fresh)
{
    // Right after the load, with no manual step: the statistics are whatever the store and autovacuum made of it.
    Console.WriteLine("right after the load, no manual step:");
    if (options.Database is { } fresh)
    {
        await Freshness.ReportAsync(fresh, "when the load ended");
        if (options.Explain) await Explain.RunAsync(fresh, patients[0], options);
    }
    await SearchMixAsync();
    if (options.Database is { } after) await Freshness.ReportAsync(after, "after the mix");
}
if (options.Database is { } analyzed)
{
    // Statistics and visibility map as autovacuum leaves them shortly after a bulk load (insert-triggered vacuum,
    // PostgreSQL 13+): the mix measures steady-state plans, index-only scans included.
    await using var connection = new NpgsqlConnection(analyzed);
    await connection.OpenAsync();
    await using var analyze = new NpgsqlCommand("VACUUM (ANALYZE)", connection) { CommandTimeout = 600 };
    await analyze.ExecuteNonQueryAsync();
    Console.WriteLine("VACUUM (ANALYZE) after the load");
}
await SearchMixAsync();

async Task SearchMixAsync()
{
    foreach (var (_, query) in mix) for (int w = 0; w < 10; w++) await http.GetStringAsync(query());
    Console.WriteLine($"search mix, {options.Searches} of each, sequential:");
    Console.WriteLine("| search | p50 ms | p95 ms | hits (median) |");
    Console.WriteLine("| --- | --- | --- | --- |");
    foreach (var (name, query) in mix)
    {
        var times = new List<double>();
        var hits = new List<int>();
        for (int s = 0; s < options.Searches; s++)
        {
            var q = query();
            var watch = Stopwatch.StartNew();
            var body = await http.GetStringAsync(q);
            times.Add(watch.Elapsed.TotalMilliseconds);
            hits.Add(JsonNode.Parse(body)!["entry"]?.AsArray().Count ?? 0);
        }
        times.Sort();
        hits.Sort();
        Console.WriteLine($"| {name} | {Percentile(times, 0.50):F1} | {Percentile(times, 0.95):F1} | {hits[hits.Count / 2]} |");
    }
}

if (options.Database is { } database)
{
    await Floor.RunAsync(database, feed.SelectMany(f => f.Resources), resourceCount, perSecond);
    if (options.Explain) await Explain.RunAsync(database, patients[0], options);
}

static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

/// <summary>Command line: --base URL --patients N --clients N --searches N --db CONNSTR --first N --warmup N --explain --store
/// --fresh (the search mix right after the load too, before the manual VACUUM (ANALYZE)).</summary>
sealed record Options(string Base, int Patients, int Clients, int Searches, string? Database, int FirstPatient, bool Explain, bool StoreOnly, int Warmup,
    bool Fresh = false)
{
    public static Options Parse(string[] args)
    {
        string? Get(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        return new Options(Get("--base") ?? "http://127.0.0.1:8080/fhir", int.Parse(Get("--patients") ?? "850"), int.Parse(Get("--clients") ?? "4"),
            int.Parse(Get("--searches") ?? "200"), Get("--db"), int.Parse(Get("--first") ?? "0"), args.Contains("--explain"), args.Contains("--store"),
            int.Parse(Get("--warmup") ?? "0"), args.Contains("--fresh"));
    }
}

/// <summary>The floor: the same resources, one JSON per line, loaded by psql \copy into a bare jsonb table.</summary>
static class Floor
{
    public static async Task RunAsync(string connectionString, IEnumerable<string> resources, int count, double serverPerSecond)
    {
        var file = Path.Combine(Path.GetTempPath(), $"fhirtrial-floor-{Environment.ProcessId}.ndjson");
        await File.WriteAllLinesAsync(file, resources);
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("DROP TABLE IF EXISTS bench_floor; CREATE TABLE bench_floor (doc jsonb NOT NULL)", connection);
            await command.ExecuteNonQueryAsync();
        }
        var info = new ProcessStartInfo("psql") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-h", settings.Host!, "-p", settings.Port.ToString(), "-U", settings.Username ?? "postgres", "-d", settings.Database!, "-v", "ON_ERROR_STOP=1",
                     "-c", $"\\copy bench_floor (doc) FROM '{file}' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')" })
            info.ArgumentList.Add(a);
        if (settings.Password is { } password) info.Environment["PGPASSWORD"] = password;
        var watch = Stopwatch.StartNew();
        using var psql = Process.Start(info)!;
        var error = await psql.StandardError.ReadToEndAsync();
        await psql.WaitForExitAsync();
        watch.Stop();
        File.Delete(file);
        if (psql.ExitCode != 0) throw new InvalidOperationException("psql \\copy failed: " + error);
        var floor = count / watch.Elapsed.TotalSeconds;
        Console.WriteLine($"floor: psql \\copy of the same {count} resources into a bare jsonb table: {watch.Elapsed.TotalSeconds:F1} s = {floor:F0} resources/s");
        Console.WriteLine($"ratio: server ingest is {serverPerSecond / floor:P0} of the floor ({floor / serverPerSecond:F1}x slower)");
    }
}
