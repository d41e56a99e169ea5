// Trial operations against the size of the store around the study: $efficacy, $safety and $interim on a generated
// study, timed before and after a hospital feed of patients who are not in it lands in the same store.
// Usage: dotnet run -c Release --project bench/studyscale [-- --subjects 20 --assessments 6 --feed 400 --runs 9 --postgres "Host=...;Database=..."]
// --fill 1000000: besides the feed, about that many resources of it written through the store's bulk path first (issue 16's 1 M figure).
using System.Diagnostics;
using FhirTrial.Bench;
using FhirTrial.Bench.Ingest;
using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Storage;
using FhirTrial.Storage.Postgres;
using FhirTrial.Storage.Sqlite;
using FhirTrial.Trial.Fhir;
using FhirTrial.Trial.Fhir.Efficacy;
using FhirTrial.Trial.Fhir.Safety;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;

string Option(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
var subjects = int.Parse(Option("--subjects", "20"));
var assessments = int.Parse(Option("--assessments", "6"));
var feedPatients = int.Parse(Option("--feed", "400"));
var runs = int.Parse(Option("--runs", "9"));
var postgres = Option("--postgres", "");
var fill = long.Parse(Option("--fill", "0"));

var path = Path.Combine(Path.GetTempPath(), $"fhirtrial-bench-studyscale-{Guid.NewGuid():N}.db");
IFhirStore store = postgres.Length > 0 ? new PostgresFhirStore(postgres) : new SqliteFhirStore($"Data Source={path}");
try
{
    await store.MigrateAsync(default);
    await using var engine = store.BuildFhirEngine(new NoWriteValidation(), more: s => s.AddTrialOperations());
    var operations = engine.GetServices<IFhirOperation>().ToList();
    var measured = new (string Name, IFhirOperation Operation)[]
    {
        ("$efficacy", operations.OfType<EfficacyOperation>().Single()),
        ("$safety", operations.OfType<SafetyOperation>().Single()),
        ("$interim", operations.OfType<InterimOperation>().Single()),
    };
    var request = new OperationRequest("GET", "ResearchStudy", CohortGenerator.StudyId, [], null, new RequestContext("http://localhost/fhir"));

    var written = await CohortGenerator.WriteAsync(engine.GetRequiredService<ResourceService>(), store, subjects, assessments);
    Console.WriteLine($"{(postgres.Length > 0 ? "PostgreSQL" : "SQLite")}: study of {subjects} subjects x {assessments} assessments, {written} resources");

    async Task<Dictionary<string, double>> MeasureAsync(string when)
    {
        var medians = new Dictionary<string, double>();
        foreach (var (name, operation) in measured)
        {
            for (var i = 0; i < 5; i++) await operation.ExecuteAsync(request, default); // warm: JIT, page cache, plans
            var times = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                var watch = Stopwatch.StartNew();
                await operation.ExecuteAsync(request, default);
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            medians[name] = times[times.Count / 2];
            Console.WriteLine($"  {when,-6} {name,-10} median {times[times.Count / 2],7:0.0} ms  (min {times[0]:0.0}, max {times[^1]:0.0}, {runs} runs)");
        }
        return medians;
    }

    var before = await MeasureAsync("before");

    if (fill > 0)
    {
        var filling = Stopwatch.StartNew();
        var filled = await Filler.FillAsync(engine.GetRequiredService<ResourceService>(), store, fill, writers: 2);
        Console.WriteLine($"fill: {filled:N0} resources outside the study through the store's bulk path in {filling.Elapsed.TotalSeconds:0} s " +
                          $"({filled / filling.Elapsed.TotalSeconds:0}/s)");
    }

    var bundles = engine.GetRequiredService<BundleProcessor>();
    var feed = Stopwatch.StartNew();
    var fed = 0;
    foreach (var n in Enumerable.Range(0, feedPatients))
    {
        var (json, resources) = EhrFeed.Patient(n);
        await bundles.ProcessAsync((Bundle)FhirSerializer.ParseJson(json), new RequestContext("http://localhost/fhir"), default);
        fed += resources.Count;
    }
    Console.WriteLine($"feed: {feedPatients} patients outside the study, {fed} resources in {feed.Elapsed.TotalSeconds:0.0} s");

    var after = await MeasureAsync("after");
    Console.WriteLine($"ratio after/before (goal <= 1.5): {string.Join(", ", measured.Select(m => $"{m.Name} {after[m.Name] / before[m.Name]:0.00}"))}; " +
                      $"load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
}
finally
{
    if (store is IAsyncDisposable disposable) await disposable.DisposeAsync();
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(path + suffix);
}
