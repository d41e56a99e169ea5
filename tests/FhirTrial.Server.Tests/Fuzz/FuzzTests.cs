using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using FhirTrial.Fhir.Search;
using FhirTrial.Fhir.Security;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Storage;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace FhirTrial.Server.Tests.Fuzz;

/// <summary>
/// Thousands of generated and mutated requests through the real pipeline (JSON and XML parsers, search parameter parser,
/// transaction processor): none may answer 5xx, and none that is refused (4xx) may change what is stored. Bounded in
/// time: <c>FHIRTRIAL_FUZZ_SECONDS</c> (default 20; .ci/run sets 30), seeded by <c>FHIRTRIAL_FUZZ_SEED</c> (default: a new seed, printed; .ci/run fixes one).
/// </summary>
public sealed class FuzzTests(FhirServerFactory factory, ITestOutputHelper output) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Generated_and_mutated_requests_never_fail_the_server_nor_change_data_when_refused()
    {
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("FHIRTRIAL_FUZZ_SECONDS"), out var s) ? s : 20;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("FHIRTRIAL_FUZZ_SEED"), out var fixedSeed) ? fixedSeed : Random.Shared.Next();
        output.WriteLine($"fuzz seed {seed} (FHIRTRIAL_FUZZ_SEED={seed} repeats this run), {seconds} s");
        var inputs = new FuzzInputs(seed, Corpus());
        // the raw store: the guarded one refuses a call made for nobody, and this count is the test's own
        var store = ((GuardedFhirStore)factory.Services.GetRequiredService<IFhirStore>()).Inner;
        var stored = await StoredVersionsAsync(store);
        var clock = Stopwatch.StartNew();
        var counts = new Dictionary<string, int>();
        var refused = 0;
        var spent = new Dictionary<string, TimeSpan>();
        (TimeSpan Took, string What) slowest = (TimeSpan.Zero, "");
        for (var n = 0; clock.Elapsed < TimeSpan.FromSeconds(seconds); n++)
        {
            var (kind, request) = Next(inputs, n);
            var description = $"#{n} {kind}: {request.Method} {request.RequestUri}";
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync();
            HttpResponseMessage response;
            var started = clock.Elapsed;
            try
            {
                response = await _client.SendAsync(request);
            }
            catch (InvalidOperationException e) when (e.Message.Contains("null characters", StringComparison.Ordinal))
            {
                // the in-process test host refuses such a path before the server sees it (Kestrel answers 400)
                continue;
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"{description} threw {e.GetType().Name}: {e.Message}\nseed {seed}\n{Clip(body)}");
            }
            var status = (int)response.StatusCode;
            if (status >= 500)
                Assert.Fail($"{description} answered {status}: {Clip(await response.Content.ReadAsStringAsync())}\nseed {seed}\nrequest body: {Clip(body)}");
            var took = clock.Elapsed - started;
            spent[kind] = spent.GetValueOrDefault(kind) + took;
            if (took > slowest.Took) slowest = (took, description);
            var now = await StoredVersionsAsync(store);
            if (status >= 400)
            {
                refused++;
                if (now != stored) Assert.Fail($"{description} was refused ({status}) but the store changed ({stored} -> {now} versions)\nseed {seed}\n{Clip(body)}");
            }
            stored = now;
            counts[kind] = counts.GetValueOrDefault(kind) + 1;
        }
        var total = counts.Values.Sum();
        output.WriteLine($"{total} requests ({refused} refused): {string.Join(", ", counts.Select(c => $"{c.Key} {c.Value} ({spent[c.Key].TotalMilliseconds / c.Value:0} ms each)"))}");
        output.WriteLine($"slowest {slowest.Took.TotalMilliseconds:0} ms: {slowest.What}");
        Assert.True(total >= 5 * seconds, $"only {total} requests ran in {seconds} s");
    }

    /// <summary>Every stored version but the audit trail's (refused requests are audited, by design).</summary>
    private static async Task<int> StoredVersionsAsync(IFhirStore store)
        => (await store.HistoryAsync(new HistoryQuery(null, null, null, null, 1, 0, new TypeCriterion(["AuditEvent"], Exclude: true)), default)).Total;

    private static string Clip(string text) => text.Length > 1500 ? text[..1500] + "..." : text;

    private static (string Kind, HttpRequestMessage Request) Next(FuzzInputs inputs, int n)
    {
        switch (n % 7)
        {
            case 0:
            {
                var resource = inputs.MutateResource(inputs.SeedResource());
                var type = FuzzInputs.TypeOf(resource);
                return ("json-create", new HttpRequestMessage(HttpMethod.Post, $"/fhir/{Uri.EscapeDataString(type)}") { Content = Http.Json(resource.ToJsonString()) });
            }
            case 1:
            {
                var resource = inputs.SeedResource();
                var text = inputs.MutateText(resource.ToJsonString());
                var type = FuzzInputs.TypeOf(resource);
                var id = resource["id"] is JsonValue v && v.TryGetValue<string>(out var given) ? given : "fz";
                return ("json-text-update", new HttpRequestMessage(HttpMethod.Put, $"/fhir/{type}/{id}") { Content = Http.Json(text) });
            }
            case 2:
            {
                var resource = inputs.SeedResource();
                string xml;
                try { xml = FhirSerializer.ToXml(FhirSerializer.ParseJson(resource.ToJsonString())); }
                catch (Exception) { xml = FuzzInputs.XmlAttacks[0]; }
                xml = n % 5 == 0 ? FuzzInputs.XmlAttacks[n / 5 % FuzzInputs.XmlAttacks.Length] : inputs.MutateText(xml);
                var content = new StringContent(xml, Encoding.UTF8, "application/fhir+xml");
                return ("xml-create", new HttpRequestMessage(HttpMethod.Post, $"/fhir/{FuzzInputs.TypeOf(resource)}") { Content = content });
            }
            case 3:
            case 4:
                return ("search", new HttpRequestMessage(HttpMethod.Get, $"/fhir/{inputs.SearchType()}?{inputs.Query()}"));
            case 5:
            {
                var bundle = inputs.Bundle();
                var text = n % 3 == 0 ? inputs.MutateText(bundle.ToJsonString()) : bundle.ToJsonString();
                return ("transaction", new HttpRequestMessage(HttpMethod.Post, "/fhir") { Content = Http.Json(text) });
            }
            default:
            {
                var form = new FormUrlEncodedContent(inputs.Query().Split('&').Select(p => p.Split('=', 2))
                    .Select(p => KeyValuePair.Create(Uri.UnescapeDataString(p[0]), p.Length > 1 ? SafeUnescape(p[1]) : "")));
                return ("search-post", new HttpRequestMessage(HttpMethod.Post, $"/fhir/{inputs.SearchType()}/_search") { Content = form });
            }
        }
    }

    private static string SafeUnescape(string value)
    {
        try { return Uri.UnescapeDataString(value); }
        catch (UriFormatException) { return value; }
    }

    /// <summary>The resources of the example cohort Bundles, the study fixture and the invalid examples.</summary>
    private static List<JsonObject> Corpus()
    {
        var root = Root();
        var corpus = new List<JsonObject>();
        foreach (var file in Directory.GetFiles(Path.Combine(root, "fhir-examples"), "*.json", SearchOption.AllDirectories))
        {
            if (JsonNode.Parse(File.ReadAllText(file)) is not JsonObject json) continue;
            if ((string?)json["resourceType"] == "Bundle")
                corpus.AddRange(json["entry"]!.AsArray().Select(e => e!["resource"]).OfType<JsonObject>().Select(r => (JsonObject)r.DeepClone()));
            else corpus.Add(json);
        }
        Assert.NotEmpty(corpus);
        return corpus;
    }

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FhirTrial.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("FhirTrial.sln not found above the test binary.");
    }
}
