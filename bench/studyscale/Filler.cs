using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FhirTrial.Bench.Ingest;
using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirTrial.Bench;

/// <summary>
/// Fills the store around a study with the EHR feed of <c>bench/ingest</c> fast: each patient's resources get their
/// ids up front (the Bundle's <c>urn:uuid:</c> references rewritten to them), are prepared and indexed by the engine
/// (<see cref="ResourceService.Prepare"/>, as every write is) and written by the store's bulk path, about 40 patients
/// per transaction, without the transaction Bundle's checks, audit and provenance. None of them is in the study.
/// </summary>
internal static partial class Filler
{
    private const int PatientsPerTransaction = 40;
    private const int FirstPatient = 20_000_000; // MRNs that meet no other generated patient's

    [GeneratedRegex("urn:uuid:[0-9a-f-]{36}")]
    private static partial Regex Urn();

    /// <summary>Writes at least <paramref name="resources"/> resources (whole patients); returns how many.</summary>
    public static async Task<long> FillAsync(ResourceService service, IFhirStore store, long resources, int writers)
    {
        var patients = (int)Math.Ceiling(resources / 116.0);
        var batches = Enumerable.Range(0, patients).Chunk(PatientsPerTransaction).ToList();
        var written = 0L;
        var next = -1;
        var watch = Stopwatch.StartNew();
        var reported = 0L;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => System.Threading.Tasks.Task.Run(async () =>
        {
            for (int i; (i = Interlocked.Increment(ref next)) < batches.Count;)
            {
                var writes = batches[i].SelectMany(n => Prepare(service, FirstPatient + n)).ToList();
                await store.WriteAsync(async tx => { await tx.PutManyAsync(writes, default); return 0; }, default);
                var total = Interlocked.Add(ref written, writes.Count);
                if (total / 100_000 > Interlocked.Read(ref reported) / 100_000)
                {
                    Interlocked.Exchange(ref reported, total);
                    Console.WriteLine($"  filled {total:N0} resources, {total / watch.Elapsed.TotalSeconds:F0}/s");
                }
            }
        })));
        return written;
    }

    /// <summary>One patient of the feed with ids assigned and every reference pointing at them.</summary>
    private static IEnumerable<ResourceWrite> Prepare(ResourceService service, int n)
    {
        var (bundleJson, _) = EhrFeed.Patient(n);
        var local = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in JsonNode.Parse(bundleJson)!["entry"]!.AsArray())
            local[(string)entry!["fullUrl"]!] = $"{(string)entry["resource"]!["resourceType"]!}/{ResourceService.NewId()}";
        var bundle = (Bundle)FhirSerializer.ParseJson(Urn().Replace(bundleJson, m => local[m.Value]));
        return bundle.Entry.Select(e => service.Prepare(e.Resource!, e.FullUrl!.Split('/')[1], 1, "POST")).ToList();
    }
}
