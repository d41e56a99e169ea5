using FhirTrial.Trial.Datasets;
using FhirTrial.Trial.Fhir.Common;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Datasets;

/// <summary>
/// Labs and vital signs of CONTRACT.md section 3 as SDTM LB and VS findings (FHIR -> domain): the CDISC test code of each
/// LOINC code, and the value in the SDTM standard unit (UCUM conversion; bilirubin by its molar mass).
/// </summary>
public static class DatasetFindings
{
    /// <summary>A measurement the datasets list: domain, CDISC test code and name, standard unit (UCUM, and as written).</summary>
    private sealed record Test(FindingDomain Domain, string Code, string Name, string UcumUnit, string Unit, decimal? MolarMass = null);

    private static readonly Dictionary<string, Test> ByLoinc = new(StringComparer.Ordinal)
    {
        [TrialCodes.Neutrophils] = new(FindingDomain.Lb, "NEUT", "Neutrophils", "10*9/L", "10^9/L"),
        [TrialCodes.Platelets] = new(FindingDomain.Lb, "PLAT", "Platelets", "10*9/L", "10^9/L"),
        [TrialCodes.Hemoglobin] = new(FindingDomain.Lb, "HGB", "Hemoglobin", "g/L", "g/L"),
        [TrialCodes.Bilirubin] = new(FindingDomain.Lb, "BILI", "Bilirubin", "umol/L", "umol/L", UcumConversion.BilirubinMolarMass),
        [TrialCodes.Alt] = new(FindingDomain.Lb, "ALT", "Alanine Aminotransferase", "U/L", "U/L"),
        [TrialCodes.Ast] = new(FindingDomain.Lb, "AST", "Aspartate Aminotransferase", "U/L", "U/L"),
        [TrialCodes.BodyWeight] = new(FindingDomain.Vs, "WEIGHT", "Weight", "kg", "kg"),
        [TrialCodes.Systolic] = new(FindingDomain.Vs, "SYSBP", "Systolic Blood Pressure", "mm[Hg]", "mmHg"),
        [TrialCodes.Diastolic] = new(FindingDomain.Vs, "DIABP", "Diastolic Blood Pressure", "mm[Hg]", "mmHg"),
    };

    /// <summary>The search value for <c>code</c> that finds every Observation these findings come from (panels included).</summary>
    public static string SearchCodes { get; } =
        Observations.LoincCodes([.. ByLoinc.Keys, TrialCodes.BloodPressurePanel, TrialCodes.BloodPressureSystolicDiastolic]);

    /// <summary>The findings of one Observation (a blood-pressure panel gives two); none when it is not one of them or not a fact.</summary>
    public static IEnumerable<Finding> Read(Observation observation)
    {
        if (!observation.IsUsable() || observation.Date() is not { } date) yield break;
        foreach (var (loinc, test) in ByLoinc)
        {
            var quantity = observation.HasLoinc(loinc) ? observation.Value as Quantity : observation.ComponentQuantity(loinc);
            if (quantity?.Value is not { } value) continue;
            var ulnQuantity = test.Domain == FindingDomain.Lb && observation.HasLoinc(loinc) ? observation.UpperLimitOfNormal() : null;
            yield return new Finding(test.Domain, test.Code, test.Name, loinc, date, value, quantity.Unit ?? quantity.Code,
                UcumConversion.TryConvert(quantity, test.UcumUnit, test.MolarMass), test.Unit, ulnQuantity?.Value);
        }
    }
}
