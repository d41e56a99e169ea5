using FhirTrial.Trial.Eligibility;
using FhirTrial.Trial.Fhir.Common;
using FhirTrial.Trial.Recist;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Eligibility;

/// <summary>A patient's record as read from the store, before it is turned into facts.</summary>
public sealed record PatientRecord(
    Patient Patient,
    IReadOnlyList<Condition> Conditions,
    IReadOnlyList<MedicationStatement> Statements,
    IReadOnlyList<MedicationAdministration> Administrations,
    IReadOnlyList<Observation> Observations,
    IReadOnlyDictionary<string, Resource> Referenced);

/// <summary>
/// Maps a patient's FHIR record to <see cref="PatientFacts"/> (FHIR -> domain), converting every measurement to the
/// unit the criteria ask for through UCUM.
/// </summary>
public static class PatientFactsMapper
{
    /// <summary>The units measurements must arrive in: the first absolute limit of each key, else the key's default.</summary>
    public static IReadOnlyDictionary<string, string> UnitsFor(IEnumerable<EligibilityCriterion> criteria)
    {
        var units = MeasurementCodes.All.ToDictionary(m => m.Key, m => m.DefaultUnit, StringComparer.Ordinal);
        foreach (var limit in criteria.SelectMany(c => c.Limits).Where(l => !l.TimesUpperLimitOfNormal).Reverse())
            if (units.ContainsKey(limit.FactKey))
                units[limit.FactKey] = limit.Unit;
        return units;
    }

    public static PatientFacts Map(PatientRecord record, IReadOnlyDictionary<string, string> units, DateOnly date)
    {
        var patient = record.Patient;
        return new PatientFacts(
            BirthDate: FhirDates.ToDateOnly(patient.BirthDate, PartialDate.Latest),
            Diagnoses: record.Conditions.Select(c => ToDiagnosis(c, date)).OfType<DiagnosisFact>().ToArray(),
            Therapies: Therapies(record).ToArray(),
            Progressions: record.Observations.Select(ToProgression).OfType<ProgressionFact>().ToArray(),
            LesionSizes: LesionSizes(record, date).ToArray(),
            Measurements: record.Observations.SelectMany(o => ToMeasurements(o, units)).ToArray())
        {
            PatientEvidenceId = patient.Reference(),
        };
    }

    /// <summary>
    /// A cancer diagnosis: SNOMED 254915003, or ICD-10 C64.x with ICD-O-3 8310/3 (in the code or the mCODE histology
    /// extension), is clear cell RCC; C64 without histology may be; C64 with another histology is not. Conditions
    /// without a cancer code, refuted or entered in error, or recorded after the date are no diagnosis.
    /// </summary>
    public static DiagnosisFact? ToDiagnosis(Condition condition, DateOnly date)
    {
        var verification = condition.VerificationStatus?.Coding.Select(c => c.Code).FirstOrDefault();
        if (verification is "refuted" or "entered-in-error") return null;
        var recorded = FhirDates.ToDateOnly(condition.Onset) ?? FhirDates.ToDateOnly(condition.RecordedDate);
        if (recorded > date) return null;

        var codings = condition.Code?.Coding ?? [];
        var histologies = codings.Where(c => c.System == TrialCodes.IcdO3)
            .Concat(condition.Extension
                .Where(e => e.Url?.EndsWith(TrialCodes.HistologyExtensionSuffix, StringComparison.Ordinal) == true)
                .SelectMany(e => (e.Value as CodeableConcept)?.Coding ?? []))
            .Select(c => c.Code)
            .OfType<string>()
            .ToArray();
        var icd10 = codings.Where(c => c.System is TrialCodes.Icd10 or TrialCodes.Icd10Cm ).Select(c => c.Code).OfType<string>().ToArray();
        var kidney = icd10.Any(c => c.StartsWith("C64", StringComparison.OrdinalIgnoreCase));
        var snomedCcrcc = codings.Any(c => c.System == TrialCodes.Snomed && c.Code == TrialCodes.ClearCellCarcinomaOfKidney);
        var evidence = condition.Reference();

        if (snomedCcrcc || (kidney && histologies.Contains(TrialCodes.ClearCellHistology)))
            return DiagnosisFact.ClearCellRcc(evidence);
        if ((kidney && histologies.Length == 0) || (icd10.Length == 0 && histologies.Contains(TrialCodes.ClearCellHistology)))
            return new DiagnosisFact([], evidence) { PossibleValueSets = [TrialVocabulary.ClearCellRcc] };
        if (kidney || histologies.Length > 0 || icd10.Any(c => c.StartsWith('C')))
            return new DiagnosisFact([], evidence);
        return null;
    }

    private static IEnumerable<TherapyFact> Therapies(PatientRecord record)
    {
        foreach (var statement in record.Statements)
        {
            if (statement.Status is MedicationStatement.MedicationStatusCodes.EnteredInError
                or MedicationStatement.MedicationStatusCodes.NotTaken or MedicationStatement.MedicationStatusCodes.Intended)
                continue;
            var start = FhirDates.ToDateOnly(statement.Effective) ?? FhirDates.ToDateOnly(statement.DateAsserted);
            var end = statement.Effective is Period p ? FhirDates.ToDateOnly(p.End) : null;
            if (start is { } s && TherapyClasses.Classify(statement.Medication, statement, record.Referenced) is { } therapyClass)
                yield return new TherapyFact(therapyClass, s, end, statement.Reference());
        }
        foreach (var administration in record.Administrations)
        {
            if (administration.Status is MedicationAdministration.MedicationAdministrationStatusCodes.EnteredInError
                or MedicationAdministration.MedicationAdministrationStatusCodes.NotDone)
                continue;
            var start = FhirDates.ToDateOnly(administration.Effective);
            var end = administration.Effective is Period p ? FhirDates.ToDateOnly(p.End) : null;
            if (start is { } s && TherapyClasses.Classify(administration.Medication, administration, record.Referenced) is { } therapyClass)
                yield return new TherapyFact(therapyClass, s, end, administration.Reference());
        }
    }

    /// <summary>LOINC 97509-4 with SNOMED 271299001 (worsened).</summary>
    public static ProgressionFact? ToProgression(Observation observation) =>
        observation.IsUsable()
        && observation.HasLoinc(TrialCodes.DiseaseProgression)
        && (observation.Value as CodeableConcept).HasCoding(TrialCodes.Snomed, TrialCodes.Worsened)
        && observation.Date() is { } date
            ? new ProgressionFact(date, observation.Reference())
            : null;

    /// <summary>
    /// Tumour sizes as the RECIST reader reads them (<see cref="RecistResources"/>), up to the evaluation date; a size
    /// without a lesion in <c>focus</c> still shows measurable disease at screening and counts as a target on its own.
    /// </summary>
    private static IEnumerable<LesionSizeFact> LesionSizes(PatientRecord record, DateOnly date)
    {
        var recist = RecistResources.Read(record.Observations, record.Referenced.Values, date);
        var lesions = recist.Lesions.ToDictionary(l => l.Id, StringComparer.Ordinal);
        foreach (var measurement in recist.Measurements.Concat(recist.Unlinked))
        {
            if (measurement.Millimetres is not { } mm) continue;
            var lesion = lesions.GetValueOrDefault(measurement.LesionId);
            yield return new LesionSizeFact(
                measurement.LesionId,
                IsTarget: lesion?.Role is null or LesionRole.Target,
                IsNode: lesion?.IsLymphNode == true,
                mm, measurement.Date, measurement.EvidenceId ?? measurement.LesionId);
        }
    }

    /// <summary>
    /// Labs, ECOG and blood pressure in the requested units, with the ULN (<c>referenceRange.high</c>) in the same
    /// unit. A value whose unit cannot be converted is left out, so its criterion stays unknown rather than wrong.
    /// </summary>
    public static IEnumerable<MeasurementFact> ToMeasurements(Observation observation, IReadOnlyDictionary<string, string> units)
    {
        if (!observation.IsUsable() || observation.DataAbsentReason is not null || observation.Date() is not { } date)
            yield break;
        var evidence = observation.Reference();

        // Blood pressure as a panel (85354-9 or 55284-4) with systolic/diastolic components; separate 8480-6 and
        // 8462-4 Observations are read below like any other measurement.
        if (observation.HasLoinc(TrialCodes.BloodPressurePanel) || observation.HasLoinc(TrialCodes.BloodPressureSystolicDiastolic))
        {
            foreach (var part in new[] { MeasurementCodes.ByKey(MeasurementKeys.Systolic)!, MeasurementCodes.ByKey(MeasurementKeys.Diastolic)! })
                if (UcumConversion.TryConvert(observation.ComponentQuantity(part.Loinc), units[part.Key]) is { } value)
                    yield return new MeasurementFact(part.Key, date, value, null, evidence);
            yield break;
        }

        var code = observation.Code.Coding.Where(c => c.System == TrialCodes.Loinc).Select(c => MeasurementCodes.ByLoinc(c.Code)).FirstOrDefault(c => c is not null);
        if (code is null) yield break;
        var unit = units.GetValueOrDefault(code.Key, code.DefaultUnit);

        decimal? measured = code.Key == MeasurementKeys.Ecog
            ? Observations.Score(observation.Value)
            : UcumConversion.TryConvert(observation.Value as Hl7.Fhir.Model.Quantity, unit, code.MolarMass);
        if (measured is not { } v) yield break;
        var uln = UcumConversion.TryConvert(WithUnitOf(observation.UpperLimitOfNormal(), observation.Value), unit, code.MolarMass);
        yield return new MeasurementFact(code.Key, date, v, uln, evidence);
    }

    /// <summary>A reference range bound written without a unit is in the value's unit.</summary>
    private static Hl7.Fhir.Model.Quantity? WithUnitOf(Hl7.Fhir.Model.Quantity? bound, DataType? value) =>
        bound is { Code: null, Unit: null } && value is Hl7.Fhir.Model.Quantity q
            ? new Hl7.Fhir.Model.Quantity { Value = bound.Value, System = q.System, Code = q.Code, Unit = q.Unit }
            : bound;
}
