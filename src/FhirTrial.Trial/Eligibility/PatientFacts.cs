namespace FhirTrial.Trial.Eligibility;

/// <summary>What the record says about a patient, already in the criteria's units.</summary>
public sealed record PatientFacts(
    DateOnly? BirthDate,
    IReadOnlyList<DiagnosisFact> Diagnoses,
    IReadOnlyList<TherapyFact> Therapies,
    IReadOnlyList<ProgressionFact> Progressions,
    IReadOnlyList<LesionSizeFact> LesionSizes,
    IReadOnlyList<MeasurementFact> Measurements)
{
    public static PatientFacts Empty { get; } = new(null, [], [], [], [], []);

    /// <summary>Evidence id of the record holding the birth date (the Patient), cited by age criteria.</summary>
    public string? PatientEvidenceId { get; init; }
}

/// <summary>A cancer diagnosis and the value sets its codes fall in.</summary>
/// <param name="ValueSets">Value set keys the diagnosis belongs to (e.g. <c>ccrcc</c>).</param>
public sealed record DiagnosisFact(IReadOnlyList<string> ValueSets, string EvidenceId)
{
    /// <summary>Value sets it may belong to but the record lacks the detail (e.g. C64 without histology).</summary>
    public IReadOnlyList<string> PossibleValueSets { get; init; } = [];

    public static DiagnosisFact ClearCellRcc(string evidenceId) => new([TrialVocabulary.ClearCellRcc], evidenceId);

    public bool IsClearCellRcc => ValueSets.Contains(TrialVocabulary.ClearCellRcc);
}

/// <summary>A therapy the patient received, by class (<c>immunotherapy</c>, <c>lenvatinib</c>).</summary>
public sealed record TherapyFact(string TherapyClass, DateOnly Start, DateOnly? End, string EvidenceId);

/// <summary>A documented disease progression.</summary>
public sealed record ProgressionFact(DateOnly Date, string EvidenceId);

/// <summary>One lesion measurement: longest diameter, or short axis for a lymph node.</summary>
/// <param name="LesionId">Identifies the lesion so only its latest measurement counts; null treats each fact on its own.</param>
public sealed record LesionSizeFact(string? LesionId, bool IsTarget, bool IsNode, decimal Mm, DateOnly Date, string EvidenceId);

/// <summary>A dated measurement (lab, ECOG, blood pressure part) with its ULN when the lab reports one.</summary>
public sealed record MeasurementFact(string Key, DateOnly Date, decimal Value, decimal? UpperLimitOfNormal, string EvidenceId);
