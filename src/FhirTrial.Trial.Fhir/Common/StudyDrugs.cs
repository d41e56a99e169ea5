using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Common;

/// <summary>The trial's two study drugs.</summary>
public enum StudyDrug
{
    Lenvatinib,
    Cadonilimab,
}

/// <summary>
/// Recognises a study drug as CONTRACT.md section 3 sends it: <c>medicationReference</c> = <c>Medication/lenvatinib|cadonilimab</c>,
/// or a <c>CANON/CodeSystem/study-drug</c> coding (lenvatinib also by its ATC code).
/// </summary>
public static class StudyDrugs
{
    public const string LenvatinibId = "lenvatinib";
    public const string CadonilimabId = "cadonilimab";

    /// <summary>The study drug of a <c>medication[x]</c> value, or null.</summary>
    public static StudyDrug? Recognise(DataType? medication) => medication switch
    {
        ResourceReference r => FromReference(r),
        CodeableConcept c => FromConcept(c),
        _ => null,
    };

    public static StudyDrug? FromReference(ResourceReference? reference) =>
        RecordReader.IdOf(reference, "Medication") switch
        {
            LenvatinibId => StudyDrug.Lenvatinib,
            CadonilimabId => StudyDrug.Cadonilimab,
            _ => null,
        };

    public static StudyDrug? FromConcept(CodeableConcept? concept)
    {
        foreach (var coding in concept?.Coding ?? [])
        {
            if (coding.System == TrialCodes.StudyDrugSystem)
            {
                if (coding.Code == LenvatinibId) return StudyDrug.Lenvatinib;
                if (coding.Code == CadonilimabId) return StudyDrug.Cadonilimab;
            }
            if (coding.System == TrialCodes.Atc && coding.Code == TrialCodes.LenvatinibAtc) return StudyDrug.Lenvatinib;
        }
        return null;
    }

    /// <summary>
    /// Whether a MedicationAdministration (R4 status code) counts as a study dose: <c>completed</c> only, as CONTRACT
    /// sections 3 and 4 define it (<c>firstDose</c> = the earliest completed study-drug administration). A first infusion
    /// <c>stopped</c> for a reaction is therefore not a dose here, although ICH E9 counts any drug received (ADR 0006).
    /// </summary>
    public static bool WasGiven(string? status) => status is "completed";

    /// <inheritdoc cref="WasGiven(string?)"/>
    public static bool WasGiven(MedicationAdministration administration) =>
        administration.Status is { } status && WasGiven(Hl7.Fhir.Utility.EnumUtility.GetLiteral(status));

    /// <summary>A dose in mg (UCUM conversion from g, ug...), or null when absent or not a mass.</summary>
    public static decimal? DoseMg(Hl7.Fhir.Model.Quantity? dose) => UcumConversion.TryConvert(dose, "mg");
}
