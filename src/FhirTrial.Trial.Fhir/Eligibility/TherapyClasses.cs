using FhirTrial.Trial.Eligibility;
using FhirTrial.Trial.Fhir.Common;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Eligibility;

/// <summary>The therapy class of a medication (CONTRACT.md section 3 "prior therapy").</summary>
public static class TherapyClasses
{
    /// <summary>ATC L01FF* (PD-1/PD-L1) or L01FX04 (ipilimumab) is immunotherapy; L01EX08 or the study-drug code is lenvatinib.</summary>
    public static string? Classify(CodeableConcept? medication)
    {
        foreach (var coding in medication?.Coding ?? [])
        {
            if (coding.System == TrialCodes.Atc && coding.Code is { } atc)
            {
                if (atc.StartsWith("L01FF", StringComparison.Ordinal) || atc == "L01FX04") return TrialVocabulary.Immunotherapy;
                if (atc == TrialCodes.LenvatinibAtc) return TrialVocabulary.Lenvatinib;
            }
        }
        return StudyDrugs.FromConcept(medication) == StudyDrug.Lenvatinib ? TrialVocabulary.Lenvatinib : null;
    }

    /// <summary>
    /// The class of a <c>medication[x]</c>: a concept directly, a reference through the Medication it names (read
    /// beforehand into <paramref name="medications"/>, or contained in <paramref name="container"/>).
    /// </summary>
    public static string? Classify(DataType? medication, DomainResource container, IReadOnlyDictionary<string, Resource> medications)
    {
        switch (medication)
        {
            case CodeableConcept concept:
                return Classify(concept);
            case ResourceReference reference:
                if (StudyDrugs.FromReference(reference) == StudyDrug.Lenvatinib) return TrialVocabulary.Lenvatinib;
                var target = reference.Reference?.StartsWith('#') == true
                    ? container.Contained.FirstOrDefault(c => "#" + c.Id == reference.Reference)
                    : reference.Reference is { } r && medications.TryGetValue(r, out var found) ? found : null;
                return target is Medication m ? Classify(m.Code) : null;
            default:
                return null;
        }
    }
}
