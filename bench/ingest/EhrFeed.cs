using System.Text.Json.Nodes;

namespace FhirTrial.Bench.Ingest;

/// <summary>A realistic oncology-trial EHR feed: one transaction Bundle per patient with about 120 resources
/// (weights, labs and doses every 3 weeks, ECOG, lesions and their sizes every 6 weeks, adverse events).</summary>
public static class EhrFeed
{
    public const string MrnSystem = "urn:oid:1.2.156.112604.1.2.1";
    public static readonly DateTime Start = new(2025, 1, 6, 9, 0, 0, DateTimeKind.Utc);
    private const int Cycles = 10; // 30 weeks of 3-weekly visits

    public static readonly (string Code, string Name, string Unit, double Mean, double Spread)[] Labs =
    [
        ("718-7", "Hemoglobin", "g/dL", 12.5, 2.0), ("751-8", "Neutrophils", "10*3/uL", 4.0, 1.8),
        ("777-3", "Platelets", "10*3/uL", 230, 70), ("1742-6", "ALT", "U/L", 30, 15),
        ("1920-8", "AST", "U/L", 28, 12), ("2160-0", "Creatinine", "mg/dL", 0.9, 0.25),
    ];

    /// <summary>The Bundle as JSON and the resources inside it (one JSON per line, for the psql floor).</summary>
    public static (string Bundle, List<string> Resources) Patient(int n)
    {
        var random = new Random(n);
        var entries = new JsonArray();
        var resources = new List<string>();
        var patientUrl = Urn();
        void Add(string url, JsonObject resource, string? ifNoneExist = null)
        {
            resources.Add(resource.ToJsonString());
            var request = new JsonObject { ["method"] = "POST", ["url"] = (string)resource["resourceType"]! };
            if (ifNoneExist is not null) request["ifNoneExist"] = ifNoneExist;
            entries.Add(new JsonObject { ["fullUrl"] = url, ["resource"] = resource, ["request"] = request });
        }
        JsonObject Subject() => new() { ["reference"] = patientUrl };
        JsonObject Coding(string system, string code, string display) =>
            new() { ["coding"] = new JsonArray(new JsonObject { ["system"] = system, ["code"] = code, ["display"] = display }), ["text"] = display };
        JsonObject Quantity(double value, string unit) =>
            new() { ["value"] = Math.Round(value, 2), ["unit"] = unit, ["system"] = "http://unitsofmeasure.org", ["code"] = unit };
        JsonObject Observation(string category, string code, string display, DateTime when, JsonObject value)
        {
            var o = new JsonObject
            {
                ["resourceType"] = "Observation", ["status"] = "final",
                ["category"] = new JsonArray(Coding("http://terminology.hl7.org/CodeSystem/observation-category", category, category)),
                ["code"] = Coding("http://loinc.org", code, display), ["subject"] = Subject(),
                ["effectiveDateTime"] = when.ToString("yyyy-MM-ddTHH:mm:ssZ"),
            };
            foreach (var (k, v) in value) o[k] = v?.DeepClone();
            return o;
        }

        var mrn = $"MRN{n:D7}";
        Add(patientUrl, new JsonObject
        {
            ["resourceType"] = "Patient",
            ["identifier"] = new JsonArray(new JsonObject { ["system"] = MrnSystem, ["value"] = mrn }),
            ["name"] = new JsonArray(new JsonObject { ["family"] = $"Family{n % 997}", ["given"] = new JsonArray($"Given{n % 331}") }),
            ["gender"] = n % 2 == 0 ? "female" : "male",
            ["birthDate"] = new DateTime(1940 + n % 45, 1 + n % 12, 1 + n % 28).ToString("yyyy-MM-dd"),
        }, $"identifier={MrnSystem}|{mrn}");

        var conditionUrl = Urn();
        Add(conditionUrl, new JsonObject
        {
            ["resourceType"] = "Condition", ["subject"] = Subject(),
            ["code"] = Coding("http://snomed.info/sct", "702391001", "Renal cell carcinoma"),
            ["onsetDateTime"] = Start.AddDays(-90).ToString("yyyy-MM-dd"),
        });

        var weight = 55 + random.NextDouble() * 40;
        for (int cycle = 0; cycle < Cycles; cycle++)
        {
            var day = Start.AddDays(21 * cycle).AddMinutes(random.Next(0, 240));
            weight += random.NextDouble() * 1.2 - 0.8;
            Add(Urn(), Observation("vital-signs", "29463-7", "Body weight", day, new JsonObject { ["valueQuantity"] = Quantity(weight, "kg") }));
            Add(Urn(), Observation("survey", "89247-1", "ECOG performance status", day,
                new JsonObject { ["valueInteger"] = random.Next(0, 3) }));
            foreach (var lab in Labs)
                Add(Urn(), Observation("laboratory", lab.Code, lab.Name, day.AddHours(1),
                    new JsonObject { ["valueQuantity"] = Quantity(Math.Max(0.1, lab.Mean + (random.NextDouble() * 2 - 1) * lab.Spread), lab.Unit) }));
            Add(Urn(), new JsonObject
            {
                ["resourceType"] = "MedicationAdministration", ["status"] = "completed",
                ["medicationCodeableConcept"] = Coding("urn:trial:drug", "AK104", "cadonilimab"),
                ["subject"] = Subject(), ["effectiveDateTime"] = day.AddHours(3).ToString("yyyy-MM-ddTHH:mm:ssZ"),
                ["dosage"] = new JsonObject { ["dose"] = Quantity(10 * Math.Round(weight * 0.6), "mg"), ["route"] = Coding("http://snomed.info/sct", "47625008", "Intravenous") },
            });
        }

        var lesions = Enumerable.Range(0, 3).Select(_ => Urn()).ToArray();
        string[] sites = ["Kidney", "Lung", "Liver"];
        for (int l = 0; l < lesions.Length; l++)
            Add(lesions[l], new JsonObject
            {
                ["resourceType"] = "BodyStructure", ["patient"] = Subject(),
                ["identifier"] = new JsonArray(new JsonObject { ["system"] = "urn:trial:lesion", ["value"] = $"{mrn}-T{l + 1}" }),
                ["morphology"] = Coding("http://snomed.info/sct", "108369006", "Tumor"),
                ["location"] = Coding("http://snomed.info/sct", "0", sites[l]),
            });
        var sizes = lesions.Select(_ => 15 + random.NextDouble() * 40).ToArray();
        for (int assessment = 0; assessment <= Cycles / 2; assessment++)
        {
            var day = Start.AddDays(42 * assessment - 7);
            for (int l = 0; l < lesions.Length; l++)
            {
                sizes[l] *= 0.85 + random.NextDouble() * 0.25;
                var o = Observation("imaging", "21889-1", "Size Tumor", day, new JsonObject { ["valueQuantity"] = Quantity(sizes[l], "mm") });
                o["focus"] = new JsonArray(new JsonObject { ["reference"] = lesions[l] });
                Add(Urn(), o);
            }
        }

        for (int ae = 0; ae < 1 + random.Next(0, 8); ae++)
        {
            var (code, name) = ((string, string)[])[("10016256", "Fatigue"), ("10012735", "Diarrhoea"), ("10020772", "Hypertension"), ("10037087", "Pruritus")] is var all ? all[random.Next(all.Length)] : default;
            Add(Urn(), new JsonObject
            {
                ["resourceType"] = "AdverseEvent", ["actuality"] = "actual", ["subject"] = Subject(),
                ["event"] = Coding("http://terminology.hl7.org/CodeSystem/MDRAE", code, name),
                ["date"] = Start.AddDays(random.Next(0, 200)).ToString("yyyy-MM-dd"),
                ["seriousness"] = Coding("http://terminology.hl7.org/CodeSystem/adverse-event-seriousness", "non-serious", "Non-serious"),
            });
        }

        var bundle = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "transaction", ["entry"] = entries };
        return (bundle.ToJsonString(), resources);
    }

    private static string Urn() => "urn:uuid:" + Guid.NewGuid();
}
