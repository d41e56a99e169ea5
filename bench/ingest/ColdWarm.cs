using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Npgsql;

namespace FhirTrial.Bench.Ingest;

/// <summary>
/// Issue 16, item 3: on a server just started and a fresh database, the first N patients from C clients (cold), then
/// the next N (warm); after each, psql \copy of the same resources into a bare jsonb table (the floor), in the same run.
/// CPU per resource of the server and of PostgreSQL (the postmaster and all its children) is read from /proc.
/// </summary>
internal static class ColdWarm
{
    public static async Task RunAsync(Options options, int serverPid, int postmasterPid)
    {
        var database = options.Database ?? throw new ArgumentException("--cold-warm needs --db");
        Console.WriteLine($"generating 2 x {options.Patients} patient Bundles ...");
        var batches = new[] { ("cold", options.FirstPatient), ("warm", options.FirstPatient + options.Patients) }
            .Select(b => (Name: b.Item1, Feed: Enumerable.Range(b.Item2, options.Patients).AsParallel().AsOrdered().Select(EhrFeed.Patient).ToList()))
            .ToList();

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Clients + 2 })
        {
            BaseAddress = new Uri(options.Base.TrimEnd('/') + "/"), Timeout = TimeSpan.FromMinutes(10),
        };
        var ready = await WaitReadyAsync(http, serverPid);
        Console.WriteLine($"server pid {serverPid}: /health/ready {ready:F1} s after process start; load average {LoadAverage()}");

        var rows = new List<string>();
        foreach (var (name, feed) in batches)
        {
            var count = feed.Sum(f => f.Resources.Count);
            var load = LoadAverage();
            var server0 = ProcessCpu.Of(serverPid);
            var postgres0 = ProcessCpu.OfTree(postmasterPid);
            var watch = Stopwatch.StartNew();
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(_ => Task.Run(async () =>
            {
                for (int i; (i = Interlocked.Increment(ref next)) < feed.Count;)
                {
                    using var response = await http.PostAsync("", new StringContent(feed[i].Bundle, Encoding.UTF8, "application/fhir+json"));
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        var body = await response.Content.ReadAsStringAsync();
                        throw new InvalidOperationException($"{name} Bundle {i}: {(int)response.StatusCode} {body[..Math.Min(400, body.Length)]}");
                    }
                }
            })));
            watch.Stop();
            var serverUs = (ProcessCpu.Of(serverPid) - server0) * 1e6 / count;
            var postgresUs = (ProcessCpu.OfTree(postmasterPid) - postgres0) * 1e6 / count;
            var rate = count / watch.Elapsed.TotalSeconds;
            var analyzing = await BackgroundAnalyzeAsync(database);
            // Three COPYs: the median rate, and the median CPU per resource (psql and PostgreSQL, read once psql's backend
            // has been reaped by the postmaster).
            var rates = new List<double>();
            var cpu = new List<double>();
            for (int run = 0; run < 3; run++)
            {
                var psql0 = ProcessCpu.OfReapedChildren(Environment.ProcessId);
                var copy0 = ProcessCpu.OfTree(postmasterPid);
                rates.Add(await Floor.MedianAsync(database, feed.SelectMany(f => f.Resources), count, runs: 1));
                await Task.Delay(500);
                cpu.Add((ProcessCpu.OfTree(postmasterPid) - copy0 + ProcessCpu.OfReapedChildren(Environment.ProcessId) - psql0) * 1e6 / count);
            }
            var floor = rates.Order().ElementAt(1);
            var copyUs = cpu.Order().ElementAt(1);
            var line = string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {count:N0} | {watch.Elapsed.TotalSeconds:F1} | {rate:N0} | {floor:N0} | {rate / floor:P1} | {serverUs:F0} | {postgresUs:F0} | {copyUs:F0} | {copyUs / (serverUs + postgresUs):P1} | {load} / {LoadAverage()} |");
            Console.WriteLine(line + $" (waited {analyzing:F1} s for the store's ANALYZE before the COPY)");
            rows.Add(line);
        }
        Console.WriteLine();
        Console.WriteLine($"| batch ({options.Patients} patients, {options.Clients} clients) | resources | s | resources/s | COPY resources/s (median of 3) | ratio to COPY | server CPU us/resource | PostgreSQL CPU us/resource | COPY CPU us/resource (psql + PostgreSQL, median of 3) | CPU ratio (COPY / server + PostgreSQL) | load average before / after |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var row in rows) Console.WriteLine(row);
        Console.WriteLine("goals (issue 16): cold >= 10 % of COPY, warm >= 25 %. On a shared machine the rates (and so the ratio to COPY) follow");
        Console.WriteLine("the other load; CPU per resource from /proc does not, and the CPU ratio stands in for the rate ratio when both are CPU-bound.");
    }

    /// <summary>
    /// The store analyzes the tables a load grew once writes pause (StatisticsUpkeep, 1 s of quiet): waits for that to end
    /// so that the COPY floor is not measured while it runs. Returns the seconds waited.
    /// </summary>
    private static async Task<double> BackgroundAnalyzeAsync(string database)
    {
        var watch = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var running = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND state = 'active' AND query ILIKE 'ANALYZE%'", connection);
        while ((long)(await running.ExecuteScalarAsync())! > 0) await Task.Delay(100);
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>Polls /health/ready; returns the seconds from the server process's start to the first healthy answer.</summary>
    private static async Task<double> WaitReadyAsync(HttpClient http, int serverPid)
    {
        var health = new Uri(http.BaseAddress!, "../health/ready");
        for (var deadline = Stopwatch.StartNew(); deadline.Elapsed < TimeSpan.FromMinutes(5); await Task.Delay(50))
        {
            try
            {
                using var response = await http.GetAsync(health);
                if (response.IsSuccessStatusCode) return ProcessCpu.SecondsSinceStart(serverPid);
            }
            catch (HttpRequestException)
            {
                // not listening yet
                if (!Directory.Exists($"/proc/{serverPid}")) throw new InvalidOperationException("the server process ended before it was ready");
            }
        }
        throw new TimeoutException("the server was not ready within 5 minutes");
    }

    private static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];
}

/// <summary>CPU seconds (user + system) of a process, or of a process and its children (PostgreSQL's backends), from /proc.</summary>
internal static class ProcessCpu
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public static double Of(int pid) => Fields(pid) is { } f ? (f.Utime + f.Stime) / TicksPerSecond : 0;

    /// <summary>The process (its own time and that of children it reaped) and its live children.</summary>
    public static double OfTree(int parent)
    {
        var total = Fields(parent) is { } p ? p.Utime + p.Stime + p.ChildUtime + p.ChildStime : 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(dir), out var pid) && Fields(pid) is { } f && f.Parent == parent)
                total += f.Utime + f.Stime;
        return total / TicksPerSecond;
    }

    /// <summary>The CPU of the children a process waited for (psql runs of the floor, for the driver itself).</summary>
    public static double OfReapedChildren(int pid) => Fields(pid) is { } f ? (f.ChildUtime + f.ChildStime) / TicksPerSecond : 0;

    public static double SecondsSinceStart(int pid)
    {
        var uptime = double.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], CultureInfo.InvariantCulture);
        return uptime - (Fields(pid)?.StartTicks ?? 0) / TicksPerSecond;
    }

    private sealed record Stat(int Parent, long Utime, long Stime, long ChildUtime, long ChildStime, long StartTicks);

    private static Stat? Fields(int pid)
    {
        string text;
        try { text = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (IOException) { return null; }
        // The command name is in parentheses and may contain spaces: the fields start after the last ')'.
        var f = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        long L(int field) => long.Parse(f[field - 3], CultureInfo.InvariantCulture); // field numbers as in proc(5)
        return new Stat((int)L(4), L(14), L(15), L(16), L(17), L(22));
    }
}
