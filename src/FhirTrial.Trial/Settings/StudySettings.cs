namespace FhirTrial.Trial.Settings;

/// <summary>The study's thresholds, read from the ResearchStudy/Group/PlanDefinition; defaults are the contract's values.</summary>
public sealed record StudySettings
{
    public static StudySettings Default { get; } = new();

    // Dosing (CONTRACT.md section 4 "Dosing").
    public decimal LenvatinibHighDoseMg { get; init; } = 12m;
    public decimal LenvatinibLowDoseMg { get; init; } = 8m;
    public decimal WeightThresholdKg { get; init; } = 60m;
    public decimal CadonilimabMgPerKg { get; init; } = 10m;
    /// <summary>Allowed relative difference from the weight-based cadonilimab dose (0.10 = +-10%).</summary>
    public decimal CadonilimabDoseTolerance { get; init; } = 0.10m;
    public int CadonilimabIntervalDays { get; init; } = 21;
    /// <summary>A dose before this many days since the previous one is a cadonilimab-interval deviation.</summary>
    public int CadonilimabEarliestDay { get; init; } = 18;
    /// <summary>A dose after this many days since the previous one is a cadonilimab-delay.</summary>
    public int CadonilimabLatestDay { get; init; } = 24;

    // Schedule (CONTRACT.md section 4 "Schedule").
    public int AssessmentIntervalDays { get; init; } = 42;
    public int AssessmentWindowDays { get; init; } = 7;

    // RECIST 1.1 response (CONTRACT.md section 4 "Best overall response").
    /// <summary>A CR/PR is confirmed by another at least this many days later.</summary>
    public int ConfirmationIntervalDays { get; init; } = 28;
    /// <summary>SD counts as best response only at least this many days after firstDose (6-week schedule minus its window).</summary>
    public int SdMinimumDays { get; init; } = 35;
    /// <summary>The baseline scan may be at most this many days before firstDose.</summary>
    public int BaselineWindowDays { get; init; } = 28;

    // Efficacy endpoints (CONTRACT.md section 4 "Endpoints").
    /// <summary>An event after a longer gap since the last evaluable assessment is censored at that assessment (two missed visits).</summary>
    public int PfsMaxGapDays { get; init; } = 91;

    /// <summary>
    /// A stage-1 subject without a confirmed response, PD, death, exit or new therapy is final (a non-responder) once this
    /// many days have passed since first dose at the cut-off (24 weeks: four 6-weekly assessments).
    /// </summary>
    public int ResponseHorizonDays { get; init; } = 168;

    // Safety (issue 15, "Safety as trials report it").
    /// <summary>An adverse event is treatment-emergent up to this many days after the last study-drug dose.</summary>
    public int TeaeWindowDays { get; init; } = 30;

    // Simon two-stage design (CONTRACT.md section 4 "Simon two-stage design").
    /// <summary>Stage 1 size.</summary>
    public int SimonN1 { get; init; } = 12;
    /// <summary>Stop after stage 1 with this many confirmed responses or fewer.</summary>
    public int SimonR1 { get; init; } = 1;
    /// <summary>Total size over both stages.</summary>
    public int SimonN { get; init; } = 28;
    /// <summary>Promising with more than this many confirmed responses.</summary>
    public int SimonR { get; init; } = 5;
    /// <summary>Uninteresting response rate (null hypothesis).</summary>
    public double SimonP0 { get; init; } = 0.10;
    /// <summary>Target response rate (alternative).</summary>
    public double SimonP1 { get; init; } = 0.30;
}
