// $efficacy over a generated study on the embedded SQLite store: the cohort is written through the FHIR engine
// (index extraction included), then the operation is timed cold and warm.
// Usage: dotnet run -c Release --project bench/efficacy [-- subjects assessments]
using System.Diagnostics;
using FhirTrial.Bench;
using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Search;
using FhirTrial.Fhir.Storage;
using FhirTrial.Storage.Sqlite;
using FhirTrial.Trial.Endpoints;
using FhirTrial.Trial.Fhir.Common;
using FhirTrial.Trial.Fhir.Efficacy;
using FhirTrial.Trial.Fhir.Recist;
using FhirTrial.Trial.Fhir;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;

var subjects = args.Length > 0 ? int.Parse(args[0]) : 1000;
var assessments = args.Length > 1 ? int.Parse(args[1]) : 10;
var path = Path.Combine(Path.GetTempPath(), $"fhirtrial-bench-efficacy-{Guid.NewGuid():N}.db");
try
{
    var store = new SqliteFhirStore($"Data Source={path}");
    await store.MigrateAsync(default);
    await using var engine = store.BuildFhirEngine(new NoWriteValidation(), more: s => s.AddTrialOperations());
    var resources = engine.GetRequiredService<ResourceService>();

    var load = Stopwatch.StartNew();
    var count = await CohortGenerator.WriteAsync(resources, store, subjects, assessments);
    Console.WriteLine($"cohort: {subjects} subjects x {assessments} assessments = {count} resources written in {load.Elapsed.TotalSeconds:0.0} s ({new FileInfo(path).Length / 1e6:0} MB)");

    var parser = engine.GetRequiredService<SearchParser>();
    var gatherer = engine.GetRequiredService<SubjectFactsGatherer>();
    var operation = engine.GetServices<IFhirOperation>().OfType<EfficacyOperation>().Single();
    var request = new OperationRequest("GET", "ResearchStudy", CohortGenerator.StudyId, [], null, new RequestContext("http://localhost/fhir"));

    var cold = Stopwatch.StartNew();
    var answer = (Parameters)(await operation.ExecuteAsync(request, default)).Resource!;
    Console.WriteLine($"$efficacy cold: {cold.ElapsedMilliseconds} ms (treated {answer.Parameter.First(p => p.Name == "treated").Value}, " +
                      $"responders {answer.Parameter.First(p => p.Name == "responders").Value}, orr {answer.Parameter.First(p => p.Name == "orr").Value})");

    var runs = new List<double>();
    var gathers = new List<double>();
    var cpus = new List<double>();
    for (var i = 0; i < 7; i++)
    {
        var gather = Stopwatch.StartNew();
        var (facts, settings) = await gatherer.GatherStudyAsync(CohortGenerator.StudyId, DateOnly.MaxValue, default);
        gathers.Add(gather.Elapsed.TotalMilliseconds);
        _ = EfficacyAnalysis.Evaluate(facts.Select(f => f.ToOutcome(f.EvaluateRecist(settings))).ToList(), settings);

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var run = Stopwatch.StartNew();
        await operation.ExecuteAsync(request, default);
        runs.Add(run.Elapsed.TotalMilliseconds);
        cpus.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds);
    }

    // Where the time goes, one phase at a time (no overlap): raw reads, JSON mapping, RECIST + endpoints.
    var raw = new Dictionary<string, IReadOnlyList<StoredResource>>();
    var read = Stopwatch.StartNew();
    foreach (var type in new[] { "ResearchSubject", "Patient", "BodyStructure", "Observation", "MedicationAdministration", "Encounter", "AdverseEvent" })
        raw[type] = (await store.SearchAsync(SearchQuery.ForType(type) with { Count = 1_000_000 }, default)).Resources;
    var readMs = read.Elapsed.TotalMilliseconds;
    var many = Stopwatch.StartNew();
    var patientKeys = raw["ResearchSubject"].Select(r => new ResourceKey("Patient", SubjectFactsMapper.ReadResearchSubject(r.Json).PatientId!)).ToList();
    await store.ReadManyAsync(patientKeys, default);
    var bySearch = Stopwatch.StartNew();
    var parserForStudy = parser.Parse("ResearchSubject", [new("study", $"ResearchStudy/{CohortGenerator.StudyId}")], strict: true).Query with { Count = 1_000_000 };
    await store.SearchAsync(parserForStudy, default);
    Console.WriteLine($"ReadMany {patientKeys.Count} patients: {many.Elapsed.TotalMilliseconds - bySearch.Elapsed.TotalMilliseconds:0} ms; ResearchSubject?study=: {bySearch.Elapsed.TotalMilliseconds:0} ms");
    var mapping = Stopwatch.StartNew();
    var observations = raw["Observation"].Select(r => SubjectFactsMapper.ReadObservation(r.Json)).ToList();
    var administrations = raw["MedicationAdministration"].Select(r => SubjectFactsMapper.ReadAdministration(r.Json)).ToList();
    var lesions = raw["BodyStructure"].Select(r => SubjectFactsMapper.ReadBodyStructure(r.Json)).ToList();
    var mapMs = mapping.Elapsed.TotalMilliseconds;
    var (allFacts, studySettings) = await gatherer.GatherStudyAsync(CohortGenerator.StudyId, DateOnly.MaxValue, default);
    var evaluate = Stopwatch.StartNew();
    var outcomes = allFacts.Select(f => f.ToOutcome(f.EvaluateRecist(studySettings))).ToList();
    var recistMs = evaluate.Elapsed.TotalMilliseconds;
    _ = EfficacyAnalysis.Evaluate(outcomes, studySettings);
    var evaluateMs = evaluate.Elapsed.TotalMilliseconds;
    Console.WriteLine($"phases, sequential: read {raw.Values.Sum(r => r.Count)} rows {readMs:0} ms; map {observations.Count + administrations.Count + lesions.Count} " +
                      $"resources {mapMs:0} ms; RECIST {recistMs:0} ms; endpoints {evaluateMs - recistMs:0} ms");

    runs.Sort();
    gathers.Sort();
    cpus.Sort();
    Console.WriteLine($"$efficacy warm: median {runs[runs.Count / 2]:0} ms, min {runs[0]:0} ms, max {runs[^1]:0} ms over {runs.Count} runs");
    Console.WriteLine($"  CPU time per call (all threads): median {cpus[cpus.Count / 2]:0} ms; machine load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
    Console.WriteLine($"  of which gathering (7 searches + JSON mapping): median {gathers[gathers.Count / 2]:0} ms");
}
finally
{
    foreach (var suffix in new[] { "", "-wal", "-shm" })
        File.Delete(path + suffix);
}
