namespace FhirTrial.Fhir.Validation;

/// <summary>The resource types the trial's data is made of (CONTRACT sections 3 and 6, and the QLQ-C30 Questionnaire
/// of the trial package). Where the validator cannot check something on one of them it fails closed.</summary>
public static class TrialResourceTypes
{
    private static readonly HashSet<string> Types = new(StringComparer.Ordinal)
    {
        "Patient", "ResearchSubject", "ResearchStudy", "Observation", "Condition", "MedicationStatement", "MedicationAdministration",
        "MedicationRequest", "Medication", "BodyStructure", "AdverseEvent", "QuestionnaireResponse", "Questionnaire", "Procedure",
        "Encounter", "Organization", "Group",
    };

    public static bool Contains(string typeName) => Types.Contains(typeName);
}
