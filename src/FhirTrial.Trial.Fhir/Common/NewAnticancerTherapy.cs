using System.Text.Json;
using FhirTrial.Trial.Fhir.Recist;

namespace FhirTrial.Trial.Fhir.Common;

/// <summary>
/// Recognises new anticancer therapy in FHIR JSON (issue 15; CONTRACT.md section 7; ADR 0006): a medication coded ATC
/// <c>L01*</c> (antineoplastic agents) or <c>L02*</c> (endocrine therapy) other than the study drugs, radiotherapy
/// (SNOMED 108290001 and its usual children), or tumour surgery (a surgical procedure, SNOMED 387713003, done for a
/// reason: the cancer).
/// </summary>
public static class NewAnticancerTherapy
{
    public const string Radiotherapy = "108290001";
    public const string SurgicalProcedure = "387713003";

    // Radiotherapy (SNOMED): 108290001 radiation oncology and/or radiotherapy, 1287742003 radiotherapy,
    // 33195004 external beam radiation therapy, 152198000 brachytherapy, 384692006 intracavitary brachytherapy.
    private static readonly HashSet<string> RadiotherapyCodes = new([Radiotherapy, "1287742003", "33195004", "152198000", "384692006"], StringComparer.Ordinal);

    /// <summary>An ATC code of antineoplastic or endocrine therapy that is not a study drug.</summary>
    public static bool IsAnticancerAtc(string? system, string? code) =>
        system == TrialCodes.Atc && code is not null && code != TrialCodes.LenvatinibAtc
        && (code.StartsWith("L01", StringComparison.Ordinal) || code.StartsWith("L02", StringComparison.Ordinal));

    /// <summary>A CodeableConcept element with such an ATC coding and no study-drug coding.</summary>
    public static bool IsAnticancerConcept(JsonElement? concept)
    {
        if (concept is not { } c) return false;
        var anticancer = false;
        foreach (var coding in c.Array("coding"))
        {
            var system = coding.String("system");
            var code = coding.String("code");
            if (system == TrialCodes.StudyDrugSystem && code is StudyDrugs.LenvatinibId or StudyDrugs.CadonilimabId) return false;
            if (system == TrialCodes.Atc && code == TrialCodes.LenvatinibAtc) return false;
            anticancer |= IsAnticancerAtc(system, code);
        }

        return anticancer;
    }

    /// <summary>
    /// The <c>medication[x]</c> of a MedicationRequest, -Administration or -Statement: a concept, a contained Medication,
    /// or (returned in <paramref name="medicationId"/> for the caller to resolve) a stored Medication.
    /// </summary>
    public static bool IsAnticancerMedication(JsonElement resource, out string? medicationId)
    {
        medicationId = null;
        if (resource.Object("medicationCodeableConcept") is { } concept) return IsAnticancerConcept(concept);
        if (resource.Object("medicationReference")?.String("reference") is not { } reference) return false;
        if (reference.StartsWith('#'))
        {
            foreach (var contained in resource.Array("contained"))
                if (contained.String("resourceType") == "Medication" && "#" + contained.String("id") == reference)
                    return IsAnticancerConcept(contained.Object("code"));
            return false;
        }

        medicationId = FhirJson.IdOf(reference, "Medication");
        if (medicationId is StudyDrugs.LenvatinibId or StudyDrugs.CadonilimabId) medicationId = null;
        return false;
    }

    /// <summary>Radiotherapy, or surgery with a recorded reason (code or condition), in <c>code</c> or <c>category</c>.</summary>
    public static bool IsAnticancerProcedure(JsonElement procedure)
    {
        bool Has(Func<string, bool> codes) =>
            new[] { procedure.Object("code"), procedure.Object("category") }
                .OfType<JsonElement>()
                .SelectMany(c => c.Array("coding"))
                .Any(c => c.String("system") == TrialCodes.Snomed && c.String("code") is { } code && codes(code));

        if (Has(RadiotherapyCodes.Contains)) return true;
        var forAReason = procedure.Array("reasonCode").Any() || procedure.Array("reasonReference").Any();
        return forAReason && Has(code => code == SurgicalProcedure);
    }
}
