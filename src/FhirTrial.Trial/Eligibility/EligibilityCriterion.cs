namespace FhirTrial.Trial.Eligibility;

/// <summary>The generic evaluation strategies the eligibility interpreter knows.</summary>
public enum CriterionKind
{
    /// <summary>Age in whole years on the evaluation date against the <see cref="LimitKeys.Age"/> limit.</summary>
    MinimumAge,
    /// <summary>A diagnosis in the value set named by <see cref="EligibilityCriterion.Subject"/>.</summary>
    DiagnosisPresent,
    /// <summary>A therapy of class <see cref="EligibilityCriterion.Subject"/> started before the date, and a progression after its start.</summary>
    PriorTherapyWithProgression,
    /// <summary>A therapy of class <see cref="EligibilityCriterion.Subject"/> started before the date; with Exclude, "no prior ...".</summary>
    PriorTherapy,
    /// <summary>A target lesion at least <see cref="LimitKeys.Lesion"/> mm (or <see cref="LimitKeys.Node"/> mm short axis) within the lookback.</summary>
    MeasurableDisease,
    /// <summary>The latest measurement of each limit's fact key within the lookback satisfies its limit.</summary>
    LatestMeasurement,
}

/// <summary>One limit of a criterion: the fact it reads, how it compares, and the unit the value must arrive in.</summary>
/// <param name="FactKey">A <see cref="MeasurementKeys"/> key, or a <see cref="LimitKeys"/> key for age and lesion sizes.</param>
/// <param name="Unit">Canonical UCUM unit the adapter converts the measured value (and its ULN) to before evaluation.</param>
/// <param name="TimesUpperLimitOfNormal">When true, <paramref name="Value"/> is a multiple of the measurement's ULN.</param>
public sealed record MeasurementLimit(
    string FactKey,
    Comparator Comparator,
    decimal Value,
    string Unit,
    bool TimesUpperLimitOfNormal = false)
{
    public override string ToString() =>
        $"{FactKey} {Comparator.ToSymbol()} {Value}{(TimesUpperLimitOfNormal ? " x ULN" : " " + Unit)}";
}

/// <summary>
/// An eligibility criterion as data (one enrollment Group.characteristic): the interpreter reads the kind, the subject
/// (value set key or therapy class), the limits, the lookback and whether it excludes.
/// </summary>
/// <param name="Id">The criterion id as in the enrollment Group (for example <c>anc</c>).</param>
public sealed record EligibilityCriterion(string Id, CriterionKind Kind)
{
    /// <summary>Value set key (DiagnosisPresent) or therapy class (PriorTherapy, PriorTherapyWithProgression).</summary>
    public string? Subject { get; init; }

    /// <summary>All limits must hold; a multi-part criterion (ALT and AST, systolic and diastolic) has several.</summary>
    public IReadOnlyList<MeasurementLimit> Limits { get; init; } = [];

    /// <summary>Facts older than this many days before the evaluation date do not count; null means any age.</summary>
    public int? LookbackDays { get; init; }

    /// <summary>An exclusion (Group.characteristic.exclude): met when the described condition is absent.</summary>
    public bool Exclude { get; init; }

    public static EligibilityCriterion MinimumAge(string id, decimal years) =>
        new(id, CriterionKind.MinimumAge) { Limits = [new(LimitKeys.Age, Comparator.GreaterOrEqual, years, "a")] };

    public static EligibilityCriterion DiagnosisPresent(string id, string valueSetKey) =>
        new(id, CriterionKind.DiagnosisPresent) { Subject = valueSetKey };

    public static EligibilityCriterion PriorTherapyWithProgression(string id, string therapyClass) =>
        new(id, CriterionKind.PriorTherapyWithProgression) { Subject = therapyClass };

    public static EligibilityCriterion NoPriorTherapy(string id, string therapyClass) =>
        new(id, CriterionKind.PriorTherapy) { Subject = therapyClass, Exclude = true };

    public static EligibilityCriterion MeasurableDisease(string id, decimal minMm, decimal minNodeMm, int withinDays) =>
        new(id, CriterionKind.MeasurableDisease)
        {
            Limits =
            [
                new(LimitKeys.Lesion, Comparator.GreaterOrEqual, minMm, "mm"),
                new(LimitKeys.Node, Comparator.GreaterOrEqual, minNodeMm, "mm"),
            ],
            LookbackDays = withinDays,
        };

    /// <summary>One limit applied to every key of a composite key such as <c>alt+ast</c>.</summary>
    public static EligibilityCriterion LatestMeasurement(
        string id, string factKey, Comparator comparator, decimal limit, string unit, int lookbackDays,
        bool timesUpperLimitOfNormal = false) =>
        new(id, CriterionKind.LatestMeasurement)
        {
            Limits = MeasurementKeys.Expand(factKey)
                .Select(key => new MeasurementLimit(key, comparator, limit, unit, timesUpperLimitOfNormal))
                .ToArray(),
            LookbackDays = lookbackDays,
        };
}

/// <summary>Keys of limits that are not measurements: age and the measurable-disease sizes.</summary>
public static class LimitKeys
{
    public const string Age = "age";
    public const string Lesion = "lesion";
    public const string Node = "node";
}

/// <summary>
/// Fact keys of <see cref="MeasurementFact"/>. Blood pressure arrives as two facts, <c>systolic</c> and
/// <c>diastolic</c>, sharing the Observation's evidence id; <c>bp</c> names both.
/// </summary>
public static class MeasurementKeys
{
    public const string Ecog = "ecog";
    public const string Anc = "anc";
    public const string Platelets = "platelets";
    public const string Hemoglobin = "hemoglobin";
    public const string Bilirubin = "bilirubin";
    public const string Alt = "alt";
    public const string Ast = "ast";
    public const string Systolic = "systolic";
    public const string Diastolic = "diastolic";
    public const string BodyWeight = "weight";

    /// <summary>Splits a composite key (<c>alt+ast</c>); <c>bp</c> stands for <c>systolic+diastolic</c>.</summary>
    public static IReadOnlyList<string> Expand(string factKey) =>
        factKey == "bp"
            ? [Systolic, Diastolic]
            : factKey.Split('+', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>Value set keys and therapy classes the adapter assigns to facts.</summary>
public static class TrialVocabulary
{
    /// <summary>The trial's clear cell RCC ValueSet.</summary>
    public const string ClearCellRcc = "ccrcc";
    public const string Immunotherapy = "immunotherapy";
    public const string Lenvatinib = "lenvatinib";
}
