namespace FhirTrial.Fhir.Security;

/// <summary>The resource types of the R4 Patient compartment (CompartmentDefinition/patient): data about one patient.</summary>
public static class PatientCompartment
{
    public static readonly IReadOnlyList<string> ResourceTypes =
    [
        "Account", "AdverseEvent", "AllergyIntolerance", "Appointment", "AppointmentResponse", "AuditEvent", "Basic",
        "BodyStructure", "CarePlan", "CareTeam", "ChargeItem", "Claim", "ClaimResponse", "ClinicalImpression", "Communication",
        "CommunicationRequest", "Composition", "Condition", "Consent", "Coverage", "CoverageEligibilityRequest",
        "CoverageEligibilityResponse", "DetectedIssue", "DeviceRequest", "DeviceUseStatement", "DiagnosticReport",
        "DocumentManifest", "DocumentReference", "Encounter", "EnrollmentRequest", "EpisodeOfCare", "ExplanationOfBenefit",
        "FamilyMemberHistory", "Flag", "Goal", "Group", "ImagingStudy", "Immunization", "ImmunizationEvaluation",
        "ImmunizationRecommendation", "Invoice", "List", "MeasureReport", "Media", "MedicationAdministration",
        "MedicationDispense", "MedicationRequest", "MedicationStatement", "MolecularSequence", "NutritionOrder", "Observation",
        "Patient", "Person", "Procedure", "Provenance", "QuestionnaireResponse", "RelatedPerson", "RequestGroup",
        "ResearchSubject", "RiskAssessment", "Schedule", "ServiceRequest", "Specimen", "SupplyDelivery", "SupplyRequest",
        "VisionPrescription",
    ];

    private static readonly HashSet<string> Set = new(ResourceTypes, StringComparer.Ordinal);

    /// <summary>The types whose rows a site sees only when they reference one of its patients. Group is left out: a Group
    /// without members is a definition (the enrollment criteria) shared by the study; one with members is still hidden
    /// from a site when any member is another site's.</summary>
    public static readonly IReadOnlyList<string> RequiringPatient = ResourceTypes.Where(t => t is not ("Group" or "Patient")).ToList();

    /// <summary>True for Patient and every type that holds data about a patient.</summary>
    public static bool Contains(string type) => Set.Contains(type);
}
