namespace FhirTrial.Trial.Fhir.Common;

/// <summary>Code systems, codes and canonical URLs of CONTRACT.md section 3, named once.</summary>
public static class TrialCodes
{
    public const string Canon = "http://fhirtrial.example.org/fhir";
    public const string Loinc = "http://loinc.org";
    public const string Snomed = "http://snomed.info/sct";
    public const string Ucum = "http://unitsofmeasure.org";
    public const string Atc = "http://www.whocc.no/atc";
    public const string Icd10 = "http://hl7.org/fhir/sid/icd-10";
    public const string Icd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
    public const string IcdO3 = "http://terminology.hl7.org/CodeSystem/icd-o-3";
    public const string Meddra = "http://terminology.hl7.org/CodeSystem/mdr";
    public const string AdverseEventSeriousness = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness";

    public const string RecistSystem = Canon + "/CodeSystem/recist";
    public const string StudyDrugSystem = Canon + "/CodeSystem/study-drug";
    public const string CausalitySystem = Canon + "/CodeSystem/causality";
    /// <summary>Codes of the EORTC scale-score Observations this server derives (one code per scale name).</summary>
    public const string EortcScaleSystem = Canon + "/CodeSystem/eortc-scale";

    public const string CtcaeGradeExtension = Canon + "/StructureDefinition/ctcae-grade";
    public const string LesionRoleExtension = Canon + "/StructureDefinition/recist-lesion-role";
    public const string LymphNodeExtension = Canon + "/StructureDefinition/recist-lymph-node";
    public const string SplitFromExtension = Canon + "/StructureDefinition/recist-split-from";
    public const string CoalescedIntoExtension = Canon + "/StructureDefinition/recist-coalesced-into";
    public const string StudySettingExtension = Canon + "/StructureDefinition/study-setting";
    public const string EligibilityLimitExtension = Canon + "/StructureDefinition/eligibility-limit";
    public const string EligibilityLookbackExtension = Canon + "/StructureDefinition/eligibility-lookback";
    public const string EligibilityValueSetExtension = Canon + "/StructureDefinition/eligibility-value-set";
    /// <summary>mCODE's histology extension; matched by its name's end so STU versions all count.</summary>
    public const string HistologyExtensionSuffix = "histology-morphology-behavior";

    public const string CcrccValueSet = Canon + "/ValueSet/ccrcc-diagnosis";
    public const string ImmunotherapyValueSet = Canon + "/ValueSet/immunotherapy-atc";

    // LOINC codes of the facts the trial reads.
    public const string BodyWeight = "29463-7";
    public const string Ecog = "89247-1";
    public const string Neutrophils = "751-8";
    public const string Platelets = "777-3";
    public const string Hemoglobin = "718-7";
    public const string Bilirubin = "1975-2";
    public const string Alt = "1742-6";
    public const string Ast = "1920-8";
    public const string BloodPressurePanel = "85354-9";
    /// <summary>"Blood pressure systolic and diastolic", the other panel EHRs send with the same two components.</summary>
    public const string BloodPressureSystolicDiastolic = "55284-4";
    public const string Systolic = "8480-6";
    public const string Diastolic = "8462-4";
    public const string Age = "30525-0";
    public const string DiseaseProgression = "97509-4";
    public const string TumourSize = "21889-1";

    // SNOMED CT codes.
    public const string ClearCellCarcinomaOfKidney = "254915003";
    public const string Worsened = "271299001";
    public const string Diagnosis = "439401001";
    public const string DrugTherapy = "416608005";
    public const string LymphNodeStructure = "59441001";

    public const string ClearCellHistology = "8310/3";
    public const string LenvatinibAtc = "L01EX08";

    // CANON/CodeSystem/recist codes.
    public const string NonTargetStatus = "non-target-status";
    public const string NewLesion = "new-lesion";
}
