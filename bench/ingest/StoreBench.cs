using System.Diagnostics;
using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Storage;
using FhirTrial.Storage.Postgres;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;

namespace FhirTrial.Bench.Ingest;

/// <summary>In-process split of the ingest cost: FHIR parsing + index extraction, then the store's bulk write
/// (COPY with reserved keys against INSERT ... unnest RETURNING), without HTTP.</summary>
internal static class StoreBench
{
    public static async Task RunAsync(string connectionString, IReadOnlyList<(string Bundle, List<string> Resources)> feed, int clients)
    {
        await using var setup = new PostgresFhirStore(connectionString);
        await setup.MigrateAsync(CancellationToken.None);
        await using var engine = setup.BuildFhirEngine(new NoWriteValidation());
        var service = engine.GetRequiredService<ResourceService>();

        var watch = Stopwatch.StartNew();
        var parsed = feed.Select(f => f.Resources.Select(FhirSerializer.ParseJson).ToList()).ToList();
        var parse = watch.Elapsed;
        watch.Restart();
        var count = parsed.Sum(p => p.Count);
        var indexRows = 0L;
        List<List<ResourceWrite>> Prepare() => parsed.Select(p => p.Select(r => service.Prepare(r, ResourceService.NewId(), 1, "POST")).ToList()).ToList();
        var writes = Prepare();
        var prepare = watch.Elapsed;
        indexRows = writes.Sum(w => w.Sum(x => (long)x.Index.Count));
        Console.WriteLine($"in-process, 1 thread: parse {count / parse.TotalSeconds:F0} resources/s; serialize + extract index {count / prepare.TotalSeconds:F0} resources/s ({indexRows / (double)count:F1} index rows each)");

        foreach (var mode in new[] { BulkResourceInsert.Copy, BulkResourceInsert.Unnest, BulkResourceInsert.Copy, BulkResourceInsert.Unnest })
        {
            var batches = Prepare();
            await using var store = new PostgresFhirStore(connectionString) { BulkMode = mode };
            var next = -1;
            watch.Restart();
            await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
            {
                for (int i; (i = Interlocked.Increment(ref next)) < batches.Count;)
                    await store.WriteAsync(async tx => { await tx.PutManyAsync(batches[i], CancellationToken.None); return 0; }, CancellationToken.None);
            })));
            Console.WriteLine($"store write ({mode}, {clients} writers, one transaction per Bundle): {count / watch.Elapsed.TotalSeconds:F0} resources/s");
        }
    }
}
