using FhirTrial.Trial.Eligibility;

namespace FhirTrial.Trial.Tests.Eligibility;

/// <summary>A screening-day patient who meets every default criterion, and variations of them by name.</summary>
internal static class Patients
{
    public static readonly DateOnly Screening = new(2025, 6, 1);

    public static DateOnly DaysBefore(int days) => Screening.AddDays(-days);

    public static MeasurementFact Lab(string key, decimal value, int daysBefore = 3, decimal? uln = null, string? id = null) =>
        new(key, DaysBefore(daysBefore), value, uln, id ?? $"Observation/{key}");

    public static readonly PatientFacts Eligible = new(
        BirthDate: new DateOnly(1960, 5, 10),
        Diagnoses: [DiagnosisFact.ClearCellRcc("Condition/ccrcc")],
        Therapies: [new TherapyFact("immunotherapy", new DateOnly(2024, 1, 10), new DateOnly(2024, 9, 1), "MedicationStatement/nivolumab")],
        Progressions: [new ProgressionFact(new DateOnly(2024, 8, 15), "Observation/progression")],
        LesionSizes: [new LesionSizeFact("T1", IsTarget: true, IsNode: false, Mm: 25, DaysBefore(10), "Observation/T1")],
        Measurements:
        [
            Lab("ecog", 1, daysBefore: 5),
            Lab("anc", 2.0m),
            Lab("platelets", 180),
            Lab("hemoglobin", 120),
            Lab("bilirubin", 10, uln: 21),
            Lab("alt", 30, uln: 40),
            Lab("ast", 35, uln: 40),
            Lab("systolic", 130, id: "Observation/bp"),
            Lab("diastolic", 80, id: "Observation/bp"),
        ])
    { PatientEvidenceId = "Patient/p1" };

    public static PatientFacts WithBirthDate(DateOnly? birthDate) => Eligible with { BirthDate = birthDate };

    public static PatientFacts WithDiagnoses(params DiagnosisFact[] diagnoses) => Eligible with { Diagnoses = diagnoses };

    public static PatientFacts WithLesions(params LesionSizeFact[] lesions) => Eligible with { LesionSizes = lesions };

    public static LesionSizeFact Lesion(decimal mm, int daysBefore = 10, bool node = false, bool target = true, string id = "T1") =>
        new(id, target, node, mm, DaysBefore(daysBefore), $"Observation/{id}-{daysBefore}");

    /// <summary>The eligible patient with the measurements of the given keys replaced.</summary>
    public static PatientFacts WithMeasurements(params MeasurementFact[] replacements)
    {
        var keys = replacements.Select(m => m.Key).ToHashSet();
        return Eligible with { Measurements = [.. Eligible.Measurements.Where(m => !keys.Contains(m.Key)), .. replacements] };
    }

    public static PatientFacts Without(params string[] keys) =>
        Eligible with { Measurements = Eligible.Measurements.Where(m => !keys.Contains(m.Key)).ToArray() };

    public static readonly IReadOnlyDictionary<string, PatientFacts> Scenarios = new Dictionary<string, PatientFacts>
    {
        ["eligible"] = Eligible,

        ["turns 18 on the screening day"] = WithBirthDate(new DateOnly(2007, 6, 1)),
        ["turns 18 the day after"] = WithBirthDate(new DateOnly(2007, 6, 2)),
        ["no birth date"] = WithBirthDate(null),

        ["papillary RCC"] = WithDiagnoses(new DiagnosisFact(["rcc"], "Condition/papillary")),
        ["no cancer diagnosis"] = WithDiagnoses(),
        ["kidney cancer without histology"] = WithDiagnoses(
            new DiagnosisFact([], "Condition/c64") { PossibleValueSets = ["ccrcc"] }),
        ["papillary and clear cell"] = WithDiagnoses(
            new DiagnosisFact(["rcc"], "Condition/papillary"), DiagnosisFact.ClearCellRcc("Condition/ccrcc")),

        ["no immunotherapy, sunitinib only"] = Eligible with
        {
            Therapies = [new TherapyFact("vegf-tki", new DateOnly(2024, 1, 10), null, "MedicationStatement/sunitinib")],
        },
        ["progression only before immunotherapy"] = Eligible with
        {
            Progressions = [new ProgressionFact(new DateOnly(2024, 1, 9), "Observation/progression")],
        },
        ["progression on the day immunotherapy started"] = Eligible with
        {
            Progressions = [new ProgressionFact(new DateOnly(2024, 1, 10), "Observation/progression")],
        },
        ["immunotherapy starts on the screening day"] = Eligible with
        {
            Therapies = [new TherapyFact("immunotherapy", Screening, null, "MedicationStatement/nivolumab")],
            Progressions = [new ProgressionFact(Screening, "Observation/progression")],
        },
        ["progression recorded after the screening day"] = Eligible with
        {
            Progressions = [new ProgressionFact(Screening.AddDays(1), "Observation/progression")],
        },

        ["target lesion 10 mm"] = WithLesions(Lesion(10)),
        ["target lesion 9.9 mm"] = WithLesions(Lesion(9.9m)),
        ["target node 15 mm short axis"] = WithLesions(Lesion(15, node: true, id: "N1")),
        ["target node 14 mm short axis"] = WithLesions(Lesion(14, node: true, id: "N1")),
        ["scan 28 days old"] = WithLesions(Lesion(25, daysBefore: 28)),
        ["scan 29 days old"] = WithLesions(Lesion(25, daysBefore: 29)),
        ["no lesion measured"] = WithLesions(),
        ["only a non-target lesion measured"] = WithLesions(Lesion(40, target: false, id: "NT1")),
        ["lesion shrank below 10 mm on the latest scan"] = WithLesions(Lesion(25, daysBefore: 20), Lesion(8, daysBefore: 2)),
        ["one small and one measurable lesion"] = WithLesions(Lesion(5, id: "T1"), Lesion(12, id: "T2")),

        ["ECOG 0"] = WithMeasurements(Lab("ecog", 0)),
        ["ECOG 2"] = WithMeasurements(Lab("ecog", 2)),
        ["no ECOG"] = Without("ecog"),
        ["ECOG 29 days old"] = WithMeasurements(Lab("ecog", 1, daysBefore: 29)),
        ["ECOG 2 then 1, latest counts"] = WithMeasurements(Lab("ecog", 2, daysBefore: 20, id: "Observation/ecog-old"), Lab("ecog", 1, daysBefore: 2)),
        ["ECOG 1 then 2, latest counts"] = WithMeasurements(Lab("ecog", 1, daysBefore: 20, id: "Observation/ecog-old"), Lab("ecog", 2, daysBefore: 2)),

        ["ANC 1.5"] = WithMeasurements(Lab("anc", 1.5m)),
        ["ANC 1.49"] = WithMeasurements(Lab("anc", 1.49m)),
        ["no ANC"] = Without("anc"),
        ["ANC 29 days old"] = WithMeasurements(Lab("anc", 2.0m, daysBefore: 29)),
        ["ANC measured after the screening day"] = WithMeasurements(Lab("anc", 2.0m, daysBefore: -1)),
        ["platelets 100"] = WithMeasurements(Lab("platelets", 100)),
        ["platelets 99"] = WithMeasurements(Lab("platelets", 99)),
        ["no platelets"] = Without("platelets"),
        ["hemoglobin 90 g/L"] = WithMeasurements(Lab("hemoglobin", 90)),
        ["hemoglobin 89 g/L"] = WithMeasurements(Lab("hemoglobin", 89)),
        ["no hemoglobin"] = Without("hemoglobin"),

        ["bilirubin 1.5 x ULN"] = WithMeasurements(Lab("bilirubin", 31.5m, uln: 21)),
        ["bilirubin 1.51 x ULN"] = WithMeasurements(Lab("bilirubin", 31.71m, uln: 21)),
        ["bilirubin without ULN"] = WithMeasurements(Lab("bilirubin", 10)),
        ["no bilirubin"] = Without("bilirubin"),

        ["ALT 2.5 x ULN"] = WithMeasurements(Lab("alt", 100, uln: 40)),
        ["ALT 2.525 x ULN"] = WithMeasurements(Lab("alt", 101, uln: 40)),
        ["AST 2.525 x ULN"] = WithMeasurements(Lab("ast", 101, uln: 40)),
        ["no AST"] = Without("ast"),
        ["ALT high and no AST"] = WithMeasurements(Lab("alt", 200, uln: 40)) with
        {
            Measurements = WithMeasurements(Lab("alt", 200, uln: 40)).Measurements.Where(m => m.Key != "ast").ToArray(),
        },

        ["BP 150/90"] = WithMeasurements(Lab("systolic", 150, id: "Observation/bp"), Lab("diastolic", 90, id: "Observation/bp")),
        ["BP 151/80"] = WithMeasurements(Lab("systolic", 151, id: "Observation/bp"), Lab("diastolic", 80, id: "Observation/bp")),
        ["BP 140/91"] = WithMeasurements(Lab("systolic", 140, id: "Observation/bp"), Lab("diastolic", 91, id: "Observation/bp")),
        ["BP systolic only"] = Without("diastolic"),
        ["no BP"] = Without("systolic", "diastolic"),
        ["two BP readings on the latest day, one high"] = WithMeasurements(
            Lab("systolic", 130, id: "Observation/bp1"), Lab("diastolic", 80, id: "Observation/bp1"),
            Lab("systolic", 160, id: "Observation/bp2"), Lab("diastolic", 85, id: "Observation/bp2")),

        ["prior lenvatinib"] = Eligible with
        {
            Therapies = [.. Eligible.Therapies, new TherapyFact("lenvatinib", new DateOnly(2023, 3, 1), new DateOnly(2023, 9, 1), "MedicationStatement/lenvatinib")],
        },
        ["lenvatinib starts after the screening day"] = Eligible with
        {
            Therapies = [.. Eligible.Therapies, new TherapyFact("lenvatinib", Screening.AddDays(7), null, "MedicationRequest/lenvatinib")],
        },
    };
}
