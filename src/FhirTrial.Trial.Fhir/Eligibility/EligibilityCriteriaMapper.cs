using FhirTrial.Trial.Eligibility;
using FhirTrial.Trial.Fhir.Common;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Eligibility;

/// <summary>
/// Reads the enrollment Group's characteristics as eligibility criteria (FHIR -> domain). The characteristic's
/// <c>id</c> is the criterion id; its code says what is tested, its value the (first) limit, an
/// <c>eligibility-limit</c> extension each further limit, <c>eligibility-lookback</c> the lookback and
/// <c>eligibility-value-set</c> the value set; <c>exclude</c> makes it an exclusion. Changing a value in the Group
/// changes the verdict without code changes.
/// </summary>
public static class EligibilityCriteriaMapper
{
    /// <summary>Key prefix of a criterion that can never be decided (see <see cref="Unrecognised"/>).</summary>
    public const string UnrecognisedKey = "unrecognised characteristic";

    /// <summary>The Group's criteria in its order; the contract's defaults when it carries none.</summary>
    public static IReadOnlyList<EligibilityCriterion> ToCriteria(Group? group)
    {
        if (group is null || group.Characteristic.Count == 0)
            return EligibilityCriteria.Default;
        return group.Characteristic.Select((c, i) => ToCriterion(c, i)).ToArray();
    }

    public static EligibilityCriterion ToCriterion(Group.CharacteristicComponent characteristic, int index)
    {
        var id = characteristic.ElementId ?? $"criterion-{index + 1}";
        var exclude = characteristic.Exclude == true;
        var valueSet = (characteristic.GetExtension(TrialCodes.EligibilityValueSetExtension)?.Value as Canonical)?.Value
                       ?? (characteristic.GetExtension(TrialCodes.EligibilityValueSetExtension)?.Value as FhirUri)?.Value;
        var lookback = LookbackDays(characteristic);
        var code = characteristic.Code;

        if (code.HasCoding(TrialCodes.Loinc, TrialCodes.Age))
        {
            var limits = RangeLimits(LimitKeys.Age, characteristic.Value, "a", allowUln: false).ToArray();
            return limits.Length == 0 ? Unrecognised(id, "age without a value")
                : new EligibilityCriterion(id, CriterionKind.MinimumAge) { Limits = limits, Exclude = exclude };
        }

        if (code.HasCoding(TrialCodes.Snomed, TrialCodes.Diagnosis))
        {
            var subject = ValueSetKey(valueSet)
                          ?? ((characteristic.Value as CodeableConcept).HasCoding(TrialCodes.Snomed, TrialCodes.ClearCellCarcinomaOfKidney)
                              ? TrialVocabulary.ClearCellRcc : null);
            return subject is null ? Unrecognised(id, "diagnosis outside the known value sets")
                : new EligibilityCriterion(id, CriterionKind.DiagnosisPresent) { Subject = subject, Exclude = exclude };
        }

        if (code.HasCoding(TrialCodes.Loinc, TrialCodes.DiseaseProgression))
            return new EligibilityCriterion(id, CriterionKind.PriorTherapyWithProgression)
            {
                Subject = ValueSetKey(valueSet) ?? TrialVocabulary.Immunotherapy,
                Exclude = exclude,
            };

        if (code.HasCoding(TrialCodes.Snomed, TrialCodes.DrugTherapy))
        {
            var subject = ValueSetKey(valueSet) ?? TherapyClasses.Classify(characteristic.Value as CodeableConcept);
            return subject is null ? Unrecognised(id, "therapy outside the known classes")
                : new EligibilityCriterion(id, CriterionKind.PriorTherapy) { Subject = subject, Exclude = exclude };
        }

        if (code.HasCoding(TrialCodes.Loinc, TrialCodes.TumourSize))
        {
            var lesion = RangeLimits(LimitKeys.Lesion, characteristic.Value, "mm", allowUln: false).FirstOrDefault();
            var node = FurtherLimits(characteristic)
                .Where(l => l.Code.HasCoding(TrialCodes.Snomed, TrialCodes.LymphNodeStructure))
                .SelectMany(l => RangeLimits(LimitKeys.Node, l.Value, "mm", allowUln: false))
                .FirstOrDefault();
            if (lesion is null) return Unrecognised(id, "measurable disease without a size");
            // RECIST 1.1: a node is measurable from 15 mm short axis; the Group may say otherwise.
            node ??= new MeasurementLimit(LimitKeys.Node, Comparator.GreaterOrEqual, 15, "mm");
            return new EligibilityCriterion(id, CriterionKind.MeasurableDisease)
            {
                Limits = [lesion, node],
                LookbackDays = lookback ?? EligibilityCriteria.LookbackDays,
                Exclude = exclude,
            };
        }

        var first = MeasurementKeysOf(code).ToArray();
        if (first.Length > 0)
        {
            var limits = first.SelectMany(key => RangeLimits(key, characteristic.Value, DefaultUnit(key), allowUln: true))
                .Concat(FurtherLimits(characteristic).SelectMany(l =>
                    MeasurementKeysOf(l.Code).SelectMany(key => RangeLimits(key, l.Value, DefaultUnit(key), allowUln: true))))
                .ToArray();
            return limits.Length == 0 ? Unrecognised(id, "measurement without a limit")
                : new EligibilityCriterion(id, CriterionKind.LatestMeasurement)
                {
                    Limits = limits,
                    LookbackDays = lookback ?? EligibilityCriteria.LookbackDays,
                    Exclude = exclude,
                };
        }

        var shown = code?.Coding.FirstOrDefault() is { } coding ? $"{coding.System}|{coding.Code}" : "without a code";
        return Unrecognised(id, shown);
    }

    /// <summary>
    /// A characteristic the interpreter does not understand: a measurement of a fact no record carries, so it
    /// evaluates as unknown and the patient can never come out eligible on a criterion nobody checked. Built from
    /// the domain's own kind so the outcome rule stays in one place.
    /// </summary>
    public static EligibilityCriterion Unrecognised(string id, string what) =>
        new(id, CriterionKind.LatestMeasurement)
        {
            Limits = [new MeasurementLimit($"{UnrecognisedKey} ({what})", Comparator.Equal, 0, "1")],
            LookbackDays = 0,
        };

    private sealed record FurtherLimit(CodeableConcept? Code, DataType? Value);

    private static IEnumerable<FurtherLimit> FurtherLimits(Group.CharacteristicComponent characteristic) =>
        characteristic.GetExtensions(TrialCodes.EligibilityLimitExtension)
            .Select(e => new FurtherLimit(e.GetExtension("code")?.Value as CodeableConcept, e.GetExtension("value")?.Value));

    /// <summary>The fact keys a code names; the blood pressure panel stands for both of its parts.</summary>
    private static IEnumerable<string> MeasurementKeysOf(CodeableConcept? code)
    {
        if (code.HasCoding(TrialCodes.Loinc, TrialCodes.BloodPressurePanel))
            return [MeasurementKeys.Systolic, MeasurementKeys.Diastolic];
        return (code?.Coding ?? [])
            .Where(c => c.System == TrialCodes.Loinc)
            .Select(c => MeasurementCodes.ByLoinc(c.Code)?.Key)
            .OfType<string>()
            .Take(1);
    }

    private static string DefaultUnit(string key) => MeasurementCodes.ByKey(key)?.DefaultUnit ?? "1";

    /// <summary>
    /// Limits from a value: a Range gives <c>&gt;= low</c> and <c>&lt;= high</c>, a Quantity its comparator (equality without one).
    /// A limit in <c>{ULN}</c> is a multiple of the upper limit of normal, compared in the fact's default unit.
    /// </summary>
    private static IEnumerable<MeasurementLimit> RangeLimits(string key, DataType? value, string defaultUnit, bool allowUln)
    {
        IEnumerable<(Comparator Comparator, Hl7.Fhir.Model.Quantity? Quantity)> bounds = value switch
        {
            Hl7.Fhir.Model.Range r => [(Comparator.GreaterOrEqual, r.Low), (Comparator.LessOrEqual, r.High)],
            Hl7.Fhir.Model.Quantity q => [(ComparatorOf(q), q)],
            _ => [],
        };
        foreach (var (comparator, quantity) in bounds)
        {
            if (quantity?.Value is not { } limit) continue;
            var uln = allowUln && quantity.Code == "{ULN}";
            var unit = uln ? defaultUnit : quantity.Code ?? quantity.Unit ?? defaultUnit;
            yield return new MeasurementLimit(key, comparator, limit, unit, uln);
        }
    }

    private static Comparator ComparatorOf(Hl7.Fhir.Model.Quantity quantity) => quantity.Comparator switch
    {
        Hl7.Fhir.Model.Quantity.QuantityComparator.LessThan => Comparator.Less,
        Hl7.Fhir.Model.Quantity.QuantityComparator.LessOrEqual => Comparator.LessOrEqual,
        Hl7.Fhir.Model.Quantity.QuantityComparator.GreaterThan => Comparator.Greater,
        Hl7.Fhir.Model.Quantity.QuantityComparator.GreaterOrEqual => Comparator.GreaterOrEqual,
        _ => Comparator.Equal,
    };

    private static int? LookbackDays(Group.CharacteristicComponent characteristic)
    {
        if (characteristic.GetExtension(TrialCodes.EligibilityLookbackExtension)?.Value is not Hl7.Fhir.Model.Quantity duration)
            return null;
        return UcumConversion.TryConvert(duration, "d") is { } days ? (int)Math.Round(days) : null;
    }

    /// <summary>The domain's value set key for a canonical (with or without a version).</summary>
    private static string? ValueSetKey(string? canonical) => canonical?.Split('|')[0] switch
    {
        TrialCodes.CcrccValueSet => TrialVocabulary.ClearCellRcc,
        TrialCodes.ImmunotherapyValueSet => TrialVocabulary.Immunotherapy,
        _ => null,
    };
}
