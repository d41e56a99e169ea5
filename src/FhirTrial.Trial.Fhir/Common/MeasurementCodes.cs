using FhirTrial.Trial.Eligibility;

namespace FhirTrial.Trial.Fhir.Common;

/// <summary>How a measured fact arrives: its LOINC code, the unit the domain expects by default, and its molar mass when it has one.</summary>
public sealed record MeasurementCode(string Key, string Loinc, string DefaultUnit, decimal? MolarMass = null);

/// <summary>The LOINC codes of CONTRACT.md section 3 behind each <see cref="MeasurementKeys"/> key.</summary>
public static class MeasurementCodes
{
    public static IReadOnlyList<MeasurementCode> All { get; } =
    [
        new(MeasurementKeys.Ecog, TrialCodes.Ecog, "{score}"),
        new(MeasurementKeys.Anc, TrialCodes.Neutrophils, "10*9/L"),
        new(MeasurementKeys.Platelets, TrialCodes.Platelets, "10*9/L"),
        new(MeasurementKeys.Hemoglobin, TrialCodes.Hemoglobin, "g/L"),
        new(MeasurementKeys.Bilirubin, TrialCodes.Bilirubin, "umol/L", UcumConversion.BilirubinMolarMass),
        new(MeasurementKeys.Alt, TrialCodes.Alt, "U/L"),
        new(MeasurementKeys.Ast, TrialCodes.Ast, "U/L"),
        new(MeasurementKeys.Systolic, TrialCodes.Systolic, "mm[Hg]"),
        new(MeasurementKeys.Diastolic, TrialCodes.Diastolic, "mm[Hg]"),
        new(MeasurementKeys.BodyWeight, TrialCodes.BodyWeight, "kg"),
    ];

    public static MeasurementCode? ByLoinc(string? loinc) => All.FirstOrDefault(m => m.Loinc == loinc);

    public static MeasurementCode? ByKey(string key) => All.FirstOrDefault(m => m.Key == key);
}
