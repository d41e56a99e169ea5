using System.Net;
using FhirTrial.Fhir.Errors;
using FhirTrial.Trial.Fhir.Common;
using FhirTrial.Trial.Fhir.Eligibility;
using Hl7.Fhir.Model;
using static FhirTrial.Trial.Fhir.Tests.Fhir;

namespace FhirTrial.Trial.Fhir.Tests;

/// <summary>
/// <c>$eligibility</c> through FHIR data in a real store: one eligible patient, and each row of the table changes one
/// part of the record and names the criterion and the status it must then have.
/// </summary>
public sealed class EligibilityOperationTests : IAsyncLifetime
{
    private const string On = "2025-03-01";
    private const string Recent = "2025-02-20";
    private readonly TrialStore _trial = new();

    public Task InitializeAsync() => _trial.InitializeAsync();
    public Task DisposeAsync() => _trial.DisposeAsync();

    /// <summary>Every criterion met: the eligible patient the table starts from.</summary>
    private static Dictionary<string, Resource> EligibleRecord(string p)
    {
        var t1 = Lesion(p, $"{p}-t1", "target");
        return new()
        {
            ["patient"] = Patient(p),
            ["diagnosis"] = Condition(p, new Coding(TrialCodes.Icd10, "C64.1")).With(c => c.Extension.Add(Histology("8310/3"))),
            ["io"] = Statement(p, "L01FF02", "2024-01-10"),
            ["progression"] = Observation(p, TrialCodes.Loinc, TrialCodes.DiseaseProgression, "2024-10-01",
                new CodeableConcept(TrialCodes.Snomed, TrialCodes.Worsened)),
            ["lesion"] = t1,
            ["size"] = Size(p, t1, Recent, 32),
            ["ecog"] = Observation(p, TrialCodes.Loinc, TrialCodes.Ecog, Recent, new Integer(1)),
            ["anc"] = Lab(p, TrialCodes.Neutrophils, Recent, 2.1m, "10*9/L"),
            ["platelets"] = Lab(p, TrialCodes.Platelets, Recent, 180, "10*3/uL"),
            ["hemoglobin"] = Lab(p, TrialCodes.Hemoglobin, Recent, 12.1m, "g/dL"),
            ["bilirubin"] = Lab(p, TrialCodes.Bilirubin, Recent, 15, "umol/L", uln: 21),
            ["alt"] = Lab(p, TrialCodes.Alt, Recent, 30, "U/L", uln: 40),
            ["ast"] = Lab(p, TrialCodes.Ast, Recent, 28, "U/L", uln: 40),
            ["bp"] = BloodPressure(p, Recent, 135, 85),
        };
    }

    /// <summary>Named changes to the eligible record; null removes the entry.</summary>
    private static readonly Dictionary<string, Action<string, Dictionary<string, Resource>>> Changes = new()
    {
        ["none"] = (_, _) => { },
        ["age 15"] = (p, r) => r["patient"] = Patient(p, "2010-01-01"),
        ["age 18 today"] = (p, r) => r["patient"] = Patient(p, "2007-03-01"),
        ["age 18 tomorrow"] = (p, r) => r["patient"] = Patient(p, "2007-03-02"),
        ["no birth date"] = (p, r) => r["patient"] = Patient(p, null),
        ["C64 without histology"] = (p, r) => r["diagnosis"] = Condition(p, new Coding(TrialCodes.Icd10, "C64")),
        ["C64 papillary"] = (p, r) => r["diagnosis"] = Condition(p, new Coding(TrialCodes.Icd10, "C64.9"), new Coding(TrialCodes.IcdO3, "8260/3")),
        ["C64 + 8310/3 in code"] = (p, r) => r["diagnosis"] = Condition(p, new Coding(TrialCodes.Icd10, "C64.2"), new Coding(TrialCodes.IcdO3, "8310/3")),
        ["SNOMED ccRCC"] = (p, r) => r["diagnosis"] = Condition(p, new Coding(TrialCodes.Snomed, TrialCodes.ClearCellCarcinomaOfKidney)),
        ["no diagnosis"] = (_, r) => r.Remove("diagnosis"),
        ["no immunotherapy"] = (_, r) => r.Remove("io"),
        ["progression before IO"] = (p, r) => r["io"] = Statement(p, "L01FF02", "2024-11-01"),
        ["ipilimumab"] = (p, r) => r["io"] = Statement(p, "L01FX04", "2024-01-10"),
        ["no progression"] = (_, r) => r.Remove("progression"),
        ["lesion 8 mm"] = (p, r) => r["size"] = Size(p, (BodyStructure)r["lesion"], Recent, 8),
        ["lesion 10 mm"] = (p, r) => r["size"] = Size(p, (BodyStructure)r["lesion"], Recent, 10),
        ["lesion measured 40 days ago"] = (p, r) => r["size"] = Size(p, (BodyStructure)r["lesion"], "2025-01-20", 32),
        ["node 12 mm"] = (p, r) => { r["lesion"] = Lesion(p, $"{p}-t1", "target", node: true); r["size"] = Size(p, (BodyStructure)r["lesion"], Recent, 12); },
        ["node 15 mm"] = (p, r) => { r["lesion"] = Lesion(p, $"{p}-t1", "target", node: true); r["size"] = Size(p, (BodyStructure)r["lesion"], Recent, 15); },
        ["only non-target lesion"] = (p, r) => { r["lesion"] = Lesion(p, $"{p}-t1", "non-target"); },
        // The one RECIST reader: a lesion in a lymph node structure is a node even without the node extension.
        ["node 12 mm by location only"] = (p, r) =>
        {
            var node = Lesion(p, $"{p}-t1", "target");
            node.Extension.RemoveAll(e => e.Url == TrialCodes.LymphNodeExtension);
            node.Location = new CodeableConcept(TrialCodes.Snomed, TrialCodes.LymphNodeStructure);
            r["lesion"] = node;
            r["size"] = Size(p, node, Recent, 12);
        },
        ["size without a lesion, 20 mm"] = (p, r) =>
        {
            var size = Size(p, (BodyStructure)r["lesion"], Recent, 20);
            size.Focus.Clear();
            r["size"] = size;
        },
        ["ECOG 2"] = (p, r) => r["ecog"] = Observation(p, TrialCodes.Loinc, TrialCodes.Ecog, Recent, new Integer(2)),
        ["ECOG 1 as code"] = (p, r) => r["ecog"] = Observation(p, TrialCodes.Loinc, TrialCodes.Ecog, Recent, new CodeableConcept("http://loinc.org", "1")),
        ["ECOG 35 days ago"] = (p, r) => r["ecog"] = Observation(p, TrialCodes.Loinc, TrialCodes.Ecog, "2025-01-25", new Integer(0)),
        ["no ECOG"] = (_, r) => r.Remove("ecog"),
        ["ANC 1.4"] = (p, r) => r["anc"] = Lab(p, TrialCodes.Neutrophils, Recent, 1.4m, "10*9/L"),
        ["ANC 1500 /uL"] = (p, r) => r["anc"] = Lab(p, TrialCodes.Neutrophils, Recent, 1500, "/uL"),
        ["platelets 99 x10^3/uL"] = (p, r) => r["platelets"] = Lab(p, TrialCodes.Platelets, Recent, 99, "10*3/uL"),
        ["platelets 100 x10^9/L"] = (p, r) => r["platelets"] = Lab(p, TrialCodes.Platelets, Recent, 100, "10*9/L"),
        ["Hb 8.9 g/dL"] = (p, r) => r["hemoglobin"] = Lab(p, TrialCodes.Hemoglobin, Recent, 8.9m, "g/dL"),
        ["Hb 9.0 g/dL"] = (p, r) => r["hemoglobin"] = Lab(p, TrialCodes.Hemoglobin, Recent, 9.0m, "g/dL"),
        ["Hb 89 g/L"] = (p, r) => r["hemoglobin"] = Lab(p, TrialCodes.Hemoglobin, Recent, 89, "g/L"),
        ["Hb in mmol/L"] = (p, r) => r["hemoglobin"] = Lab(p, TrialCodes.Hemoglobin, Recent, 7.5m, "mmol/L"),
        ["bilirubin 31.5 umol/L, ULN 21"] = (p, r) => r["bilirubin"] = Lab(p, TrialCodes.Bilirubin, Recent, 31.5m, "umol/L", uln: 21),
        ["bilirubin 32 umol/L, ULN 21"] = (p, r) => r["bilirubin"] = Lab(p, TrialCodes.Bilirubin, Recent, 32, "umol/L", uln: 21),
        ["bilirubin 1.8 mg/dL, ULN 1.2 mg/dL"] = (p, r) => r["bilirubin"] = Lab(p, TrialCodes.Bilirubin, Recent, 1.8m, "mg/dL", uln: 1.2m),
        ["bilirubin 1.9 mg/dL, ULN 1.2 mg/dL"] = (p, r) => r["bilirubin"] = Lab(p, TrialCodes.Bilirubin, Recent, 1.9m, "mg/dL", uln: 1.2m),
        // 1.5 mg/dL = 25.7 umol/L <= 31.5; 2.0 mg/dL = 34.2 umol/L > 31.5 (molar mass 584.66 g/mol).
        ["bilirubin 1.5 mg/dL, ULN 21 umol/L"] = (p, r) => r["bilirubin"] = Lab(p, TrialCodes.Bilirubin, Recent, 1.5m, "mg/dL", uln: 21, ulnUnit: "umol/L"),
        ["bilirubin 2.0 mg/dL, ULN 21 umol/L"] = (p, r) => r["bilirubin"] = Lab(p, TrialCodes.Bilirubin, Recent, 2.0m, "mg/dL", uln: 21, ulnUnit: "umol/L"),
        ["bilirubin without ULN"] = (p, r) => r["bilirubin"] = Lab(p, TrialCodes.Bilirubin, Recent, 10, "umol/L"),
        ["ALT 100, ULN 40"] = (p, r) => r["alt"] = Lab(p, TrialCodes.Alt, Recent, 100, "U/L", uln: 40),
        ["ALT 101, ULN 40"] = (p, r) => r["alt"] = Lab(p, TrialCodes.Alt, Recent, 101, "U/L", uln: 40),
        ["AST 101, ULN 40"] = (p, r) => r["ast"] = Lab(p, TrialCodes.Ast, Recent, 101, "U/L", uln: 40),
        ["no AST"] = (_, r) => r.Remove("ast"),
        ["BP 150/90"] = (p, r) => r["bp"] = BloodPressure(p, Recent, 150, 90),
        ["BP 151/80"] = (p, r) => r["bp"] = BloodPressure(p, Recent, 151, 80),
        ["BP 140/91"] = (p, r) => r["bp"] = BloodPressure(p, Recent, 140, 91),
        ["BP a month old"] = (p, r) => r["bp"] = BloodPressure(p, "2025-01-30", 120, 80),
        ["BP 151/80 as panel 55284-4"] = (p, r) => r["bp"] = Panel55284(BloodPressure(p, Recent, 151, 80)),
        ["BP 140/85 as panel 55284-4"] = (p, r) => r["bp"] = Panel55284(BloodPressure(p, Recent, 140, 85)),
        ["BP 140/91 as separate Observations"] = (p, r) =>
        {
            r["bp"] = Lab(p, TrialCodes.Systolic, Recent, 140, "mm[Hg]");
            r["bp-diastolic"] = Lab(p, TrialCodes.Diastolic, Recent, 91, "mm[Hg]");
        },
        ["BP 140/85 as separate Observations"] = (p, r) =>
        {
            r["bp"] = Lab(p, TrialCodes.Systolic, Recent, 140, "mm[Hg]");
            r["bp-diastolic"] = Lab(p, TrialCodes.Diastolic, Recent, 85, "mm[Hg]");
        },
        ["only systolic"] = (p, r) => r["bp"] = Lab(p, TrialCodes.Systolic, Recent, 140, "mm[Hg]"),
        ["lenvatinib given before"] = (p, r) => r["lenvatinib"] = Given(p, "lenvatinib", "2024-05-01", 12),
        ["lenvatinib as ATC statement"] = (p, r) => r["lenvatinib"] = Statement(p, TrialCodes.LenvatinibAtc, "2024-05-01"),
    };

    private static Observation Panel55284(Observation panel)
    {
        panel.Code = new CodeableConcept(TrialCodes.Loinc, TrialCodes.BloodPressureSystolicDiastolic);
        return panel;
    }

    [Theory]
    [InlineData("none", "age-18", "met")]
    [InlineData("age 15", "age-18", "not-met")]
    [InlineData("age 18 today", "age-18", "met")]
    [InlineData("age 18 tomorrow", "age-18", "not-met")]
    [InlineData("no birth date", "age-18", "unknown")]
    [InlineData("none", "ccrcc", "met")]
    [InlineData("C64 without histology", "ccrcc", "unknown")]
    [InlineData("C64 papillary", "ccrcc", "not-met")]
    [InlineData("C64 + 8310/3 in code", "ccrcc", "met")]
    [InlineData("SNOMED ccRCC", "ccrcc", "met")]
    [InlineData("no diagnosis", "ccrcc", "unknown")]                       // absent history: manual review
    [InlineData("none", "prior-io-progression", "met")]
    [InlineData("no immunotherapy", "prior-io-progression", "unknown")]
    [InlineData("progression before IO", "prior-io-progression", "unknown")]
    [InlineData("ipilimumab", "prior-io-progression", "met")]
    [InlineData("no progression", "prior-io-progression", "unknown")]
    [InlineData("none", "measurable-disease", "met")]
    [InlineData("lesion 8 mm", "measurable-disease", "not-met")]
    [InlineData("lesion 10 mm", "measurable-disease", "met")]
    [InlineData("lesion measured 40 days ago", "measurable-disease", "unknown")]
    [InlineData("node 12 mm", "measurable-disease", "not-met")]
    [InlineData("node 15 mm", "measurable-disease", "met")]
    [InlineData("only non-target lesion", "measurable-disease", "unknown")]
    [InlineData("node 12 mm by location only", "measurable-disease", "not-met")]
    [InlineData("size without a lesion, 20 mm", "measurable-disease", "met")]
    [InlineData("none", "ecog-0-1", "met")]
    [InlineData("ECOG 2", "ecog-0-1", "not-met")]
    [InlineData("ECOG 1 as code", "ecog-0-1", "met")]
    [InlineData("ECOG 35 days ago", "ecog-0-1", "unknown")]
    [InlineData("no ECOG", "ecog-0-1", "unknown")]
    [InlineData("none", "anc", "met")]
    [InlineData("ANC 1.4", "anc", "not-met")]
    [InlineData("ANC 1500 /uL", "anc", "met")]
    [InlineData("none", "platelets", "met")]
    [InlineData("platelets 99 x10^3/uL", "platelets", "not-met")]
    [InlineData("platelets 100 x10^9/L", "platelets", "met")]
    [InlineData("none", "hemoglobin", "met")]
    [InlineData("Hb 8.9 g/dL", "hemoglobin", "not-met")]
    [InlineData("Hb 9.0 g/dL", "hemoglobin", "met")]
    [InlineData("Hb 89 g/L", "hemoglobin", "not-met")]
    [InlineData("Hb in mmol/L", "hemoglobin", "unknown")]
    [InlineData("none", "bilirubin", "met")]
    [InlineData("bilirubin 31.5 umol/L, ULN 21", "bilirubin", "met")]
    [InlineData("bilirubin 32 umol/L, ULN 21", "bilirubin", "not-met")]
    [InlineData("bilirubin 1.8 mg/dL, ULN 1.2 mg/dL", "bilirubin", "met")]
    [InlineData("bilirubin 1.9 mg/dL, ULN 1.2 mg/dL", "bilirubin", "not-met")]
    [InlineData("bilirubin 1.5 mg/dL, ULN 21 umol/L", "bilirubin", "met")]
    [InlineData("bilirubin 2.0 mg/dL, ULN 21 umol/L", "bilirubin", "not-met")]
    [InlineData("bilirubin without ULN", "bilirubin", "unknown")]
    [InlineData("none", "transaminases", "met")]
    [InlineData("ALT 100, ULN 40", "transaminases", "met")]
    [InlineData("ALT 101, ULN 40", "transaminases", "not-met")]
    [InlineData("AST 101, ULN 40", "transaminases", "not-met")]
    [InlineData("no AST", "transaminases", "unknown")]
    [InlineData("none", "blood-pressure", "met")]
    [InlineData("BP 150/90", "blood-pressure", "met")]
    [InlineData("BP 151/80", "blood-pressure", "not-met")]
    [InlineData("BP 140/91", "blood-pressure", "not-met")]
    [InlineData("BP a month old", "blood-pressure", "unknown")]
    [InlineData("BP 151/80 as panel 55284-4", "blood-pressure", "not-met")]
    [InlineData("BP 140/85 as panel 55284-4", "blood-pressure", "met")]
    [InlineData("BP 140/91 as separate Observations", "blood-pressure", "not-met")]
    [InlineData("BP 140/85 as separate Observations", "blood-pressure", "met")]
    [InlineData("only systolic", "blood-pressure", "unknown")]
    [InlineData("none", "no-prior-lenvatinib", "met")]
    [InlineData("lenvatinib given before", "no-prior-lenvatinib", "not-met")]
    [InlineData("lenvatinib as ATC statement", "no-prior-lenvatinib", "not-met")]
    public async Task Criterion_answers_from_the_record(string change, string criterion, string expected)
    {
        var result = await EvaluateAsync("p", change);

        var row = Criterion(result, criterion);
        Assert.Equal(expected, row.Part("status").Text());
        var outcome = result.Out("outcome").Text();
        var statuses = result.All("criterion").Select(c => c.Part("status").Text()).ToArray();
        Assert.Equal(statuses.Contains("not-met") ? "ineligible" : statuses.Contains("unknown") ? "undetermined" : "eligible", outcome);
    }

    [Fact]
    public async Task The_unchanged_record_is_eligible_with_every_criterion_of_the_Group_and_its_evidence()
    {
        var result = await EvaluateAsync("p", "none");

        Assert.Equal("eligible", result.Out("outcome").Text());
        Assert.Equal(
            new[] { "age-18", "ccrcc", "prior-io-progression", "measurable-disease", "ecog-0-1", "anc", "platelets", "hemoglobin",
             "bilirubin", "transaminases", "blood-pressure", "no-prior-lenvatinib" },
            result.All("criterion").Select(c => c.Part("id").Text()).ToArray());
        var evidence = Criterion(result, "hemoglobin").Parts("evidence").Cast<ResourceReference>().Single();
        Assert.StartsWith("Observation/", evidence.Reference);
        Assert.Equal("Patient/p", Criterion(result, "age-18").Parts("evidence").Cast<ResourceReference>().Single().Reference);
        Assert.Equal(2, Criterion(result, "prior-io-progression").Parts("evidence").Count());
    }

    [Fact]
    public async Task Unknown_data_alone_makes_undetermined_and_never_eligible()
    {
        var result = await EvaluateAsync("p", "no ECOG");
        Assert.Equal("undetermined", result.Out("outcome").Text());
    }

    [Fact]
    public async Task Changing_a_threshold_in_the_Group_changes_the_answer()
    {
        await _trial.PutAllAsync(Record("p", "none").Values);
        Assert.Equal("met", Criterion(await RunAsync("p"), "hemoglobin").Part("status").Text());

        // Hemoglobin 12.1 g/dL = 121 g/L: met at >= 90 g/L, not met once the Group asks for >= 13 g/dL.
        var group = (await _trial.Records.ReadAsync<Group>(TrialStore.GroupId, default))!;
        var hemoglobin = group.Characteristic.Single(c => c.ElementId == "hemoglobin");
        hemoglobin.Value = new Hl7.Fhir.Model.Range { Low = Ucum(13, "g/dL") };
        await _trial.PutAsync(group);

        var result = await RunAsync("p");
        Assert.Equal("not-met", Criterion(result, "hemoglobin").Part("status").Text());
        Assert.Equal("ineligible", result.Out("outcome").Text());
    }

    [Fact]
    public async Task Changing_a_lookback_in_the_Group_changes_the_answer()
    {
        await _trial.PutAllAsync(Record("p", "ECOG 35 days ago").Values);
        Assert.Equal("unknown", Criterion(await RunAsync("p"), "ecog-0-1").Part("status").Text());

        var group = (await _trial.Records.ReadAsync<Group>(TrialStore.GroupId, default))!;
        var ecog = group.Characteristic.Single(c => c.ElementId == "ecog-0-1");
        ecog.SetExtension(TrialCodes.EligibilityLookbackExtension, new Duration { Value = 6, System = TrialCodes.Ucum, Code = "wk", Unit = "weeks" });
        await _trial.PutAsync(group);

        Assert.Equal("met", Criterion(await RunAsync("p"), "ecog-0-1").Part("status").Text());
    }

    [Fact]
    public async Task A_characteristic_the_interpreter_does_not_know_is_unknown()
    {
        await _trial.PutAllAsync(Record("p", "none").Values);
        var group = (await _trial.Records.ReadAsync<Group>(TrialStore.GroupId, default))!;
        group.Characteristic.Add(new Group.CharacteristicComponent
        {
            ElementId = "hiv-negative",
            Code = new CodeableConcept(TrialCodes.Loinc, "7917-8"),
            Value = new CodeableConcept(TrialCodes.Snomed, "260385009"),
            Exclude = false,
        });
        await _trial.PutAsync(group);

        var result = await RunAsync("p");
        Assert.Equal("unknown", Criterion(result, "hiv-negative").Part("status").Text());
        Assert.Equal("undetermined", result.Out("outcome").Text());
    }

    [Fact]
    public async Task Missing_study_is_400_unknown_study_404_unknown_patient_404()
    {
        await _trial.PutAllAsync(Record("p", "none").Values);
        var op = new EligibilityOperation(_trial.Records);

        var missing = await Assert.ThrowsAsync<FhirException>(() => op.ExecuteAsync(TrialStore.Get("Patient", "p"), default));
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        var unknown = await Assert.ThrowsAsync<FhirException>(() =>
            op.ExecuteAsync(TrialStore.Get("Patient", "p", ("study", "ResearchStudy/nope")), default));
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        var noPatient = await Assert.ThrowsAsync<FhirException>(() =>
            op.ExecuteAsync(TrialStore.Get("Patient", "nobody", ("study", "ResearchStudy/ak104-rcc-2l"), ("date", On)), default));
        Assert.Equal(HttpStatusCode.NotFound, noPatient.Status);
        var badDate = await Assert.ThrowsAsync<FhirException>(() =>
            op.ExecuteAsync(TrialStore.Get("Patient", "p", ("study", "ResearchStudy/ak104-rcc-2l"), ("date", "March")), default));
        Assert.Equal(HttpStatusCode.BadRequest, badDate.Status);
    }

    private static Dictionary<string, Resource> Record(string patient, string change)
    {
        var record = EligibleRecord(patient);
        Changes[change](patient, record);
        return record;
    }

    private async Task<Parameters> EvaluateAsync(string patient, string change)
    {
        await _trial.PutAllAsync(Record(patient, change).Values);
        return await RunAsync(patient);
    }

    private async Task<Parameters> RunAsync(string patient)
    {
        var op = new EligibilityOperation(_trial.Records);
        var result = await op.ExecuteAsync(
            TrialStore.Get("Patient", patient, ("study", $"ResearchStudy/{TrialStore.StudyId}"), ("date", On)), default);
        return (Parameters)result.Resource!;
    }

    private static Parameters.ParameterComponent Criterion(Parameters result, string id) =>
        result.All("criterion").Single(c => c.Part("id").Text() == id);
}

internal static class ResourceTweaks
{
    public static T With<T>(this T resource, Action<T> change) where T : Resource
    {
        change(resource);
        return resource;
    }
}
