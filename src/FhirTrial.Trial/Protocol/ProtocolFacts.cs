namespace FhirTrial.Trial.Protocol;

/// <summary>A subject's on-study record as far as dosing and the assessment schedule are concerned.</summary>
/// <param name="LenvatinibDoses">Administrations; the earliest is the start dose.</param>
/// <param name="OffStudyDate">End of study participation (ResearchSubject.period.end), if any.</param>
public sealed record ProtocolFacts(
    DateOnly FirstDose,
    IReadOnlyList<WeightFact> Weights,
    IReadOnlyList<DoseFact> LenvatinibDoses,
    IReadOnlyList<DoseFact> CadonilimabDoses,
    IReadOnlyList<AssessmentFact> Assessments,
    DateOnly? ProgressionDate = null,
    DateOnly? DeathDate = null,
    DateOnly? OffStudyDate = null)
{
    /// <summary>The baseline date and the target selections RECIST does not allow (a <c>recist-selection</c> deviation each).</summary>
    public (DateOnly Baseline, IReadOnlyList<Recist.SelectionWarning> Warnings)? RecistSelection { get; init; }
}

/// <summary>A body weight in kg.</summary>
public sealed record WeightFact(DateOnly Date, decimal Kg, string EvidenceId);

/// <summary>A study-drug administration: its day and its dose in mg (null when not recorded as a mass, e.g. mg/kg).</summary>
public sealed record DoseFact(DateOnly Date, decimal? Mg, string EvidenceId);

/// <summary>A tumour assessment time point and the Observations it is made of.</summary>
public sealed record AssessmentFact(DateOnly Date, IReadOnlyList<string> Evidence);

/// <summary>The contract's deviation kinds.</summary>
public static class DeviationKinds
{
    public const string LenvatinibDose = "lenvatinib-dose";
    public const string CadonilimabDose = "cadonilimab-dose";
    public const string CadonilimabInterval = "cadonilimab-interval";
    public const string CadonilimabDelay = "cadonilimab-delay";
    public const string AssessmentMissed = "assessment-missed";
    public const string AssessmentWindow = "assessment-window";
    public const string RecistSelection = "recist-selection";
}

/// <summary>One protocol deviation: its kind code, the day it happened, why, and the facts behind it.</summary>
public sealed record Deviation(string Kind, DateOnly Date, string Detail, IReadOnlyList<string> Evidence);
