namespace FhirTrial.Trial.Eligibility;

/// <summary>The contract's twelve criteria, for tests and when the enrollment Group carries none.</summary>
public static class EligibilityCriteria
{
    public const int LookbackDays = 28;

    public static IReadOnlyList<EligibilityCriterion> Default { get; } =
    [
        EligibilityCriterion.MinimumAge("age-18", 18),
        EligibilityCriterion.DiagnosisPresent("ccrcc", TrialVocabulary.ClearCellRcc),
        EligibilityCriterion.PriorTherapyWithProgression("prior-io-progression", TrialVocabulary.Immunotherapy),
        EligibilityCriterion.MeasurableDisease("measurable-disease", minMm: 10, minNodeMm: 15, withinDays: LookbackDays),
        EligibilityCriterion.LatestMeasurement("ecog-0-1", MeasurementKeys.Ecog, Comparator.LessOrEqual, 1, "{score}", LookbackDays),
        EligibilityCriterion.LatestMeasurement("anc", MeasurementKeys.Anc, Comparator.GreaterOrEqual, 1.5m, "10*9/L", LookbackDays),
        EligibilityCriterion.LatestMeasurement("platelets", MeasurementKeys.Platelets, Comparator.GreaterOrEqual, 100, "10*9/L", LookbackDays),
        EligibilityCriterion.LatestMeasurement("hemoglobin", MeasurementKeys.Hemoglobin, Comparator.GreaterOrEqual, 90, "g/L", LookbackDays),
        EligibilityCriterion.LatestMeasurement("bilirubin", MeasurementKeys.Bilirubin, Comparator.LessOrEqual, 1.5m, "umol/L", LookbackDays,
            timesUpperLimitOfNormal: true),
        EligibilityCriterion.LatestMeasurement("transaminases", "alt+ast", Comparator.LessOrEqual, 2.5m, "U/L", LookbackDays,
            timesUpperLimitOfNormal: true),
        new("blood-pressure", CriterionKind.LatestMeasurement)
        {
            Limits =
            [
                new(MeasurementKeys.Systolic, Comparator.LessOrEqual, 150, "mm[Hg]"),
                new(MeasurementKeys.Diastolic, Comparator.LessOrEqual, 90, "mm[Hg]"),
            ],
            LookbackDays = LookbackDays,
        },
        EligibilityCriterion.NoPriorTherapy("no-prior-lenvatinib", TrialVocabulary.Lenvatinib),
    ];
}
