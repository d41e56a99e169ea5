using System.Globalization;
using System.Text.Json.Nodes;
using FhirTrial.Fhir.Serialization;
using Hl7.Fhir.Model;

namespace FhirTrial.Storage.Tests.Contract;

/// <summary>The five Synthea patients go in as transactions, come back unchanged, and searches over them count right.</summary>
/// <remarks>Every expected number is computed from the files, never written down.</remarks>
public abstract partial class StoreContract
{
    /// <summary>One loaded Synthea file: its entries as sent, and where each one was stored.</summary>
    protected sealed record LoadedBundle(string File, JsonArray Entries, IReadOnlyList<string> StoredAs, IReadOnlyDictionary<string, string> FullUrlToReference)
    {
        public IEnumerable<JsonObject> Resources(string type)
            => Entries.Select(e => e!["resource"]!.AsObject()).Where(r => (string)r["resourceType"]! == type);

        public string PatientReference => StoredAs[Entries.Select((e, i) => (e, i)).Single(x => (string)x.e!["resource"]!["resourceType"]! == "Patient").i];
    }

    protected static string SyntheaFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "data", "synthea");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("tests/data/synthea was not found above the test binary.");
    }

    protected async Task<List<LoadedBundle>> LoadSyntheaAsync()
    {
        var loaded = new List<LoadedBundle>();
        foreach (var file in Directory.GetFiles(SyntheaFolder(), "*.json").Order(StringComparer.Ordinal))
        {
            var text = await File.ReadAllTextAsync(file);
            var bundle = (Bundle)FhirSerializer.ParseJson(text);
            var response = await ProcessAsync(bundle);
            Assert.Equal(bundle.Entry.Count, response.Entry.Count);
            Assert.All(response.Entry, e => Assert.StartsWith("201", e.Response!.Status));
            var storedAs = response.Entry.Select(Target).ToList();
            var entries = JsonNode.Parse(text)!["entry"]!.AsArray();
            var map = entries.Select((e, i) => ((string)e!["fullUrl"]!, storedAs[i])).ToDictionary(x => x.Item1, x => x.Item2);
            loaded.Add(new LoadedBundle(Path.GetFileName(file), entries, storedAs, map));
        }
        Assert.Equal(5, loaded.Count);
        return loaded;
    }

    [Fact]
    public async Task Synthea_bundles_go_in_as_transactions_and_every_resource_comes_back_unchanged()
    {
        var loaded = await LoadSyntheaAsync();

        foreach (var bundle in loaded)
        {
            for (int i = 0; i < bundle.Entries.Count; i++)
            {
                var original = bundle.Entries[i]!["resource"]!.DeepClone().AsObject();
                var target = bundle.StoredAs[i].Split('/');
                var stored = await Resources.ReadAsync(target[0], target[1], None);
                var back = JsonNode.Parse(stored.Json)!.AsObject();

                Assert.Equal(target[1], (string)back["id"]!);
                Assert.Equal("1", (string)back["meta"]!["versionId"]!);
                original.Remove("id");
                original.Remove("meta");
                back.Remove("id");
                back.Remove("meta");
                RewriteReferences(original, bundle.FullUrlToReference);
                var difference = JsonDifference.Find(original, back);
                Assert.True(difference is null, $"{bundle.File} entry[{i}] ({bundle.StoredAs[i]}) changed at {difference}");
            }
        }
    }

    [Fact]
    public async Task Synthea_type_counts_match_the_files()
    {
        var loaded = await LoadSyntheaAsync();
        var expected = loaded.SelectMany(b => b.Entries).GroupBy(e => (string)e!["resource"]!["resourceType"]!).ToDictionary(g => g.Key, g => g.Count());

        foreach (var (type, count) in expected)
        {
            var counted = await CountAsync(type);
            Assert.True(count == counted, $"{type}: the files hold {count}, the store counted {counted}");
        }
        Assert.Equal(expected.Values.Sum(), (await SearchAsync(null, "_summary=count")).Total);
        Assert.Equal(expected.Values.Sum(), await VersionCountAsync());
    }

    [Fact]
    public async Task Synthea_searches_per_patient_count_what_each_file_holds()
    {
        var loaded = await LoadSyntheaAsync();

        foreach (var bundle in loaded)
        {
            var patient = bundle.PatientReference;
            Assert.Equal(bundle.Resources("Observation").Count(), await CountAsync("Observation", $"patient={patient}"));
            Assert.Equal(bundle.Resources("Encounter").Count(), await CountAsync("Encounter", $"subject={patient}"));
            Assert.Equal(bundle.Resources("Condition").Count(), await CountAsync("Condition", $"patient={IdOf(patient)}"));
            var gender = (string)bundle.Resources("Patient").Single()["gender"]!;
            Assert.Contains(IdOf(patient), await MatchIdsAsync("Patient", $"gender={gender}&_count=10"));
        }
    }

    [Fact]
    public async Task Synthea_searches_by_code_date_chain_and_has_count_right()
    {
        var loaded = await LoadSyntheaAsync();
        var observations = loaded.SelectMany(b => b.Resources("Observation").Select(o => (Bundle: b, Observation: o))).ToList();
        static IEnumerable<(string System, string Code)> Codes(JsonObject o)
            => o["code"]!["coding"]!.AsArray().Select(c => ((string)c!["system"]!, (string)c["code"]!));

        var common = observations.SelectMany(o => Codes(o.Observation)).GroupBy(c => c).OrderByDescending(g => g.Count()).ThenBy(g => g.Key.Code).Take(3).ToList();
        foreach (var code in common)
        {
            Assert.Equal(code.Count(), await CountAsync("Observation", $"code={code.Key.System}|{code.Key.Code}"));
            var patientsWithIt = loaded.Count(b => b.Resources("Observation").Any(o => Codes(o).Contains(code.Key)));
            Assert.Equal(patientsWithIt, await CountAsync("Patient", $"_has:Observation:patient:code={code.Key.System}|{code.Key.Code}"));
        }

        var cut = new DateTimeOffset(2015, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var since = observations.Count(o => DateTimeOffset.Parse((string)o.Observation["effectiveDateTime"]!, CultureInfo.InvariantCulture) >= cut);
        Assert.InRange(since, 1, observations.Count - 1);
        Assert.Equal(since, await CountAsync("Observation", "date=ge2015-01-01"));
        Assert.Equal(observations.Count - since, await CountAsync("Observation", "date=lt2015-01-01"));

        var female = loaded.Where(b => (string)b.Resources("Patient").Single()["gender"]! == "female").Sum(b => b.Resources("Observation").Count());
        Assert.Equal(female, await CountAsync("Observation", "patient.gender=female"));
        Assert.Equal(observations.Count - female, await CountAsync("Observation", "patient:Patient.gender=male"));
    }

    [Fact]
    public async Task Synthea_patient_everything_holds_the_compartment_and_what_it_references_but_no_other_patient()
    {
        var loaded = await LoadSyntheaAsync();
        var bundle = loaded[0];

        var everything = (await Searches.EverythingAsync(IdOf(bundle.PatientReference), [new("_count", "1000")], Context, None)).ToPoco();

        var returned = everything.Entry.Select(e => $"{e.Resource!.TypeName}/{e.Resource!.Id}").ToHashSet();
        Assert.Subset(returned, bundle.StoredAs.ToHashSet());
        Assert.DoesNotContain(returned, r => loaded.Skip(1).Any(other => other.PatientReference == r));
    }

    private static void RewriteReferences(JsonNode? node, IReadOnlyDictionary<string, string> map)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, value) in o.ToList())
                {
                    if (name == "reference" && value is JsonValue v && v.TryGetValue<string>(out var text) && map.TryGetValue(text, out var target))
                        o[name] = target;
                    else RewriteReferences(value, map);
                }
                break;
            case JsonArray a:
                foreach (var item in a) RewriteReferences(item, map);
                break;
        }
    }
}

/// <summary>Where two JSON trees first differ: object members in any order, numbers by value, arrays in order.</summary>
public static class JsonDifference
{
    public static string? Find(JsonNode? expected, JsonNode? actual, string path = "$")
    {
        switch (expected, actual)
        {
            case (null, null):
                return null;
            case (JsonObject e, JsonObject a):
                foreach (var (name, value) in e)
                {
                    if (!a.ContainsKey(name)) return $"{path}.{name} (missing)";
                    if (Find(value, a[name], $"{path}.{name}") is { } d) return d;
                }
                return a.Select(p => p.Key).FirstOrDefault(k => !e.ContainsKey(k)) is { } extra ? $"{path}.{extra} (added)" : null;
            case (JsonArray e, JsonArray a):
                if (e.Count != a.Count) return $"{path} (length {e.Count} became {a.Count})";
                for (int i = 0; i < e.Count; i++)
                    if (Find(e[i], a[i], $"{path}[{i}]") is { } d) return d;
                return null;
            case (JsonValue e, JsonValue a):
                if (e.GetValueKind() == System.Text.Json.JsonValueKind.Number && a.GetValueKind() == System.Text.Json.JsonValueKind.Number)
                    return e.GetValue<decimal>() == a.GetValue<decimal>() ? null : $"{path} ({e.ToJsonString()} became {a.ToJsonString()})";
                return JsonNode.DeepEquals(e, a) ? null : $"{path} ({e.ToJsonString()} became {a.ToJsonString()})";
            default:
                return $"{path} ({expected?.ToJsonString() ?? "null"} became {actual?.ToJsonString() ?? "null"})";
        }
    }
}
