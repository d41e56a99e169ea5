using FhirTrial.Trial.Fhir.Common;
using FhirTrial.Trial.Protocol;
using FhirTrial.Trial.Recist;
using FhirTrial.Trial.Settings;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Protocol;

/// <summary>Maps a subject's FHIR record to <see cref="ProtocolFacts"/> (FHIR -> domain).</summary>
public static class ProtocolFactsMapper
{
    /// <summary>
    /// The facts at the data cut-off (records dated after it are left out here, before any rule runs), or null when the
    /// subject has had no study drug by then (no firstDose, nothing to deviate from).
    /// </summary>
    public static ProtocolFacts? Map(SubjectRecord record, StudySettings settings, DateOnly cutoff)
    {
        bool Counts(DateOnly? date) => date <= cutoff;
        var given = record.Administrations.Where(StudyDrugs.WasGiven).ToArray();
        var studyDoses = given
            .Select(a => (Administration: a, Drug: StudyDrugs.Recognise(a.Medication), Date: FhirDates.ToDateOnly(a.Effective)))
            .Where(x => x.Drug is not null && Counts(x.Date))
            .ToArray();
        if (studyDoses.Length == 0) return null;
        var firstDose = studyDoses.Min(x => x.Date!.Value);

        // The start dose is what was given at the first administration, not what was prescribed (issue 15).
        var lenvatinib = studyDoses.Where(x => x.Drug == StudyDrug.Lenvatinib)
            .Select(x => Dose(x.Date!.Value, x.Administration.Dosage?.Dose, x.Administration.Reference()))
            .ToArray();
        var cadonilimab = studyDoses.Where(x => x.Drug == StudyDrug.Cadonilimab)
            .Select(x => Dose(x.Date!.Value, x.Administration.Dosage?.Dose, x.Administration.Reference()))
            .ToArray();

        var death = FhirDates.ToDateOnly(record.Patient.Deceased as FhirDateTime) is { } died && Counts(died) ? died : (DateOnly?)null;
        var recist = RecistResources.Read(record.RecistObservations, record.Lesions.Values, cutoff);
        var input = recist.ToInput(firstDose, death);
        // A scan whose sizes name no lesion is still a visit the schedule asked for, though RECIST cannot use it.
        var assessments = TimePointGrouping.Group(input with { Measurements = [.. input.Measurements, .. recist.Unlinked] })
            .Select(tp => new AssessmentFact(tp.Date, tp.EvidenceIds))
            .ToArray();
        // The RECIST engine's progression date (first PD time point) ends the assessment schedule.
        var evaluated = RecistEvaluator.Evaluate(input, settings);
        var progression = evaluated.ProgressionDate;

        return new ProtocolFacts(
            firstDose,
            record.Weights.Select(ToWeight).OfType<WeightFact>().Where(w => Counts(w.Date)).ToArray(),
            lenvatinib,
            cadonilimab,
            assessments,
            progression,
            death,
            OffStudyDate(record.Subject, studyDoses.Select(x => x.Date!.Value).Concat(assessments.Select(a => a.Date))) is { } off && Counts(off) ? off : null)
        {
            RecistSelection = evaluated.BaselineDate is { } baseline ? (baseline, evaluated.SelectionWarnings) : null,
        };
    }

    // An administration whose dose is not a mass (10 mg/kg as prescribed) was still given that day: it keeps its date
    // for the interval rules and only the dose checks cannot judge it (CONTRACT.md section 4 "Dosing"; ADR 0006, amended).
    private static DoseFact Dose(DateOnly date, Hl7.Fhir.Model.Quantity? dose, string evidence) =>
        new(date, StudyDrugs.DoseMg(dose), evidence);

    private static WeightFact? ToWeight(Observation observation) =>
        observation.IsUsable()
        && observation.DataAbsentReason is null
        && observation.Date() is { } date
        && UcumConversion.TryConvert(observation.Value as Hl7.Fhir.Model.Quantity, "kg") is { } kg
            ? new WeightFact(date, kg, observation.Reference())
            : null;

    /// <summary>
    /// <c>period.end</c>; a subject marked off-study without an end date left after the last day it was seen on
    /// study (latest dose or assessment), so no visit after that is claimed as missed.
    /// </summary>
    public static DateOnly? OffStudyDate(ResearchSubject subject, IEnumerable<DateOnly> daysSeen)
    {
        if (FhirDates.ToDateOnly(subject.Period?.End) is { } end) return end;
        if (subject.Status is ResearchSubject.ResearchSubjectStatus.OffStudy or ResearchSubject.ResearchSubjectStatus.Withdrawn)
            return daysSeen.DefaultIfEmpty().Max() is var last && last != default ? last : null;
        return null;
    }
}
