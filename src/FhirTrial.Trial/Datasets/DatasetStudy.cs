using FhirTrial.Trial.Endpoints;
using FhirTrial.Trial.Recist;
using FhirTrial.Trial.Safety;
using FhirTrial.Trial.Settings;

namespace FhirTrial.Trial.Datasets;

/// <summary>
/// Everything the analysis datasets are made of, as the trial operations see it at the data cut-off: the study's keys,
/// its settings, and per subject the facts, the RECIST result and endpoint outcome the engine computed, the safety
/// population and adverse events of <c>$safety</c>, and the listed records (doses, labs, vitals, questionnaires).
/// </summary>
public sealed record DatasetStudy(
    string StudyId,
    string? Title,
    DateOnly Cutoff,
    StudySettings Settings,
    StudyArm Arm,
    IReadOnlyList<DatasetSubject> Subjects);

/// <summary>The planned treatment arm (a single-arm study has one): ARMCD (20 characters at most) and ARM.</summary>
public sealed record StudyArm(string Code, string Name);

/// <summary>One research subject. <paramref name="SubjectId"/> is SUBJID (the ResearchSubject's identifier value, else its id).</summary>
public sealed record DatasetSubject(
    string SubjectId,
    string? SiteId,
    string? Sex,
    DateOnly? BirthDate,
    string? Status,
    DateOnly? EnrollmentDate,
    DateOnly? EndDate)
{
    /// <summary>First study-drug dose (the efficacy reader's <c>firstDose</c>): the reference start of study days.</summary>
    public DateOnly? FirstDose { get; init; }

    public DateOnly? DeathDate { get; init; }

    public DateOnly? LastKnownAliveDate { get; init; }

    /// <summary>Left the study (off-study or withdrawn) by the cut-off.</summary>
    public bool LeftStudy { get; init; }

    /// <summary>The subject's lesions and RECIST records as the RECIST engine read them.</summary>
    public IReadOnlyList<Lesion> Lesions { get; init; } = [];

    public IReadOnlyList<TargetMeasurement> Measurements { get; init; } = [];

    public IReadOnlyList<NonTargetAssessment> NonTargetAssessments { get; init; } = [];

    public IReadOnlyList<NewLesionFinding> NewLesions { get; init; } = [];

    /// <summary>The RECIST 1.1 evaluation of <c>$recist-response</c>; null when never dosed.</summary>
    public RecistResult? Recist { get; init; }

    /// <summary>The endpoint outcome of <c>$efficacy</c>.</summary>
    public SubjectOutcome? Outcome { get; init; }

    /// <summary>First and last dose when in the safety population of <c>$safety</c>; null otherwise.</summary>
    public SubjectExposure? Exposure { get; init; }

    public IReadOnlyList<DatasetAdverseEvent> AdverseEvents { get; init; } = [];

    public IReadOnlyList<Administration> Administrations { get; init; } = [];

    public IReadOnlyList<Finding> Findings { get; init; } = [];

    public IReadOnlyList<QuestionnaireAnswer> Answers { get; init; } = [];
}

/// <summary>An adverse event as <c>$safety</c> reads it, with its system organ class when the term's mapping gives one.</summary>
public sealed record DatasetAdverseEvent(AdverseEventRecord Event, string? BodySystem);

/// <summary>A study-drug administration: the treatment's name, day, dose in mg and route (CDISC ROUTE terms).</summary>
public sealed record Administration(string Treatment, DateOnly Date, decimal? DoseMg, string? Route);

/// <summary>The SDTM findings domain a measurement goes to.</summary>
public enum FindingDomain
{
    Lb,
    Vs,
}

/// <summary>
/// A lab or vital sign: the CDISC test code and name, its LOINC code, the value and unit as sent and in the standard unit,
/// and the upper limit of normal (in the original unit) when the record gives one.
/// </summary>
public sealed record Finding(
    FindingDomain Domain,
    string TestCode,
    string Test,
    string? Loinc,
    DateOnly Date,
    decimal OriginalValue,
    string? OriginalUnit,
    decimal? StandardValue,
    string? StandardUnit,
    decimal? UpperLimit = null);

/// <summary>One answered questionnaire item: the instrument (QSCAT), the item's code (QSTESTCD) and text, the answer, its day.</summary>
public sealed record QuestionnaireAnswer(string Category, string TestCode, string Test, int Answer, DateOnly Date);
