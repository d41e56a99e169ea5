using FhirTrial.Trial.Endpoints;
using FhirTrial.Trial.Fhir.Protocol;
using FhirTrial.Trial.Fhir.Recist;
using FhirTrial.Trial.Protocol;
using FhirTrial.Trial.Settings;
using Hl7.Fhir.Model;
using static FhirTrial.Trial.Fhir.Tests.Fhir;

namespace FhirTrial.Trial.Fhir.Tests.Review;

/// <summary>
/// Wrong answers a review found on messy EHR data read through the FHIR readers, now right: each comment
/// (<c>// Was:</c>) gives what the server answered, what it should, and the rule's source. No store: the readers are pure.
/// </summary>
public class MessyTrialReviewFhirTests
{
    private const string P = "messy";
    private static readonly DateOnly FirstDose = new(2025, 1, 6);

    private static string Day(int day) => FirstDose.AddDays(day).ToString("yyyy-MM-dd");

    private static AdverseEvent GradedEvent(string meddra, string display, string onset, int grade)
    {
        var ae = new AdverseEvent
        {
            Actuality = AdverseEvent.AdverseEventActuality.Actual,
            Subject = new ResourceReference($"Patient/{P}"),
            Event = new CodeableConcept(Common.TrialCodes.Meddra, meddra, display),
            Date = onset,
        };
        ae.SetExtension(Common.TrialCodes.CtcaeGradeExtension, new Integer(grade));
        return ae;
    }

    // Was: expected no cadonilimab-delay (infusions on days 0, 21 and 42: every interval 21 days), actual a
    // "cadonilimab-delay" on day 42 "given on day 42 after the previous dose". The day-21 infusion's dose is written in
    // mg/kg (EHRs often record the prescribed 10 mg/kg), which DoseMg cannot turn into mg, so ProtocolFactsMapper.Map drops
    // the whole administration (Dose(...) -> null -> OfType) and the interval rule never sees it. CONTRACT section 4
    // "Dosing": the interval is between administrations; an unreadable dose is at most a dose question, never a delay.
    [Fact]
    public void An_infusion_whose_dose_is_not_in_mg_still_counts_for_the_interval()
    {
        var day21 = Given(P, "cadonilimab", Day(21), 10);
        day21.Dosage!.Dose = new Hl7.Fhir.Model.Quantity { Value = 10, System = Common.TrialCodes.Ucum, Code = "mg/kg", Unit = "mg/kg" };
        var record = new SubjectRecord(
            Subject("rs", P, Day(-4)), Patient(P),
            [Given(P, "cadonilimab", Day(0), 600), day21, Given(P, "cadonilimab", Day(42), 600)],
            [Lab(P, Common.TrialCodes.BodyWeight, Day(-3), 60, "kg")], [], new Dictionary<string, Resource>());

        var facts = ProtocolFactsMapper.Map(record, StudySettings.Default, FirstDose.AddDays(50))!;
        var deviations = ProtocolDeviationDetector.Detect(facts, StudySettings.Default, FirstDose.AddDays(50));

        Assert.DoesNotContain(deviations, d => d.Kind is DeviationKinds.CadonilimabDelay or DeviationKinds.CadonilimabInterval);
    }

    // Was: expected the death dated no earlier than 2025-06-15 (the patient was seen alive then: a lab that day), actual
    // an OS event on 2025-06-01: deceasedDateTime "2025-06" is read as its first day (SubjectFactsMapper.ReadPatient ->
    // FhirDates.ToDateOnly, PartialDate.Earliest), before a day the patient was known alive. The usual SAP/ADaM imputation
    // of a partial death date is the later of its first possible day and the last known alive date; a death can never
    // precede a recorded day alive (FDA 2018 endpoints guidance: OS is measured to the date of death).
    [Fact]
    public void A_partial_death_date_is_never_before_the_last_day_known_alive()
    {
        var patient = Patient(P, deceased: "2025-06");
        var (patientId, death) = SubjectFactsMapper.ReadPatient(FhirTrial.Fhir.Serialization.FhirSerializer.ToJson(patient));
        var subject = new ResearchSubjectFact("rs", P, "study", "on-study", FirstDose.AddDays(-4));
        var lab = new ObservationFact("lab-1", P, new DateOnly(2025, 6, 15), RecistKind.None, null, null, null, null, null);
        var dose = new DatedFact(P, FirstDose, StudyDose: true);

        var facts = SubjectFactsMapper.Assemble([subject], [(patientId, death)], [], [lab], [dose], [], new DateOnly(2025, 12, 31)).Single();
        var os = TimeToEvent.OverallSurvival(facts.ToOutcome(facts.EvaluateRecist(StudySettings.Default)))!;

        Assert.True(os.Event);
        Assert.True(os.End >= new DateOnly(2025, 6, 15), $"OS event on {os.End:yyyy-MM-dd}, but the patient was seen alive on 2025-06-15");
    }

    // Was: expected treated = evaluable = responders = 1 (one patient, re-screened: the first ResearchSubject
    // "ineligible", the second on study and dosed), actual 2/2/2: SubjectFactsMapper.Assemble gives every ResearchSubject
    // of the patient the patient's first dose and scans, and $efficacy/$interim (StudyOutcomes) keep every ResearchSubject
    // whatever its status, so the patient is counted twice in ORR's numerator and denominator (and twice in stage 1),
    // while $safety leaves screen failures out (SafetyFactsGatherer.IsEnrolled) and counts the patient once. ICH E9 /
    // CONTRACT section 4 "Populations": each treated subject once; a screen failure never received study drug.
    [Fact]
    public void A_rescreened_patient_is_counted_once_in_the_efficacy_populations()
    {
        var screenFailure = new ResearchSubjectFact("rs-1", P, "study", "ineligible", FirstDose.AddDays(-40));
        var enrolled = new ResearchSubjectFact("rs-2", P, "study", "on-study", FirstDose.AddDays(-4));
        var target = new LesionFact("T1", P, Trial.Recist.LesionRole.Target, false, "T1");
        ObservationFact Size(string id, int day, decimal mm) =>
            new(id, P, FirstDose.AddDays(day), RecistKind.TargetSize, "T1", null, mm, null, null);
        var dose = new DatedFact(P, FirstDose, StudyDose: true);

        var subjects = SubjectFactsMapper.Assemble([screenFailure, enrolled], [(P, null)], [target],
            [Size("s0", -3, 40), Size("s1", 42, 20), Size("s2", 84, 20)], [dose], [], FirstDose.AddDays(100));
        var outcomes = subjects.Select(f => f.ToOutcome(f.EvaluateRecist(StudySettings.Default))).ToList();
        var efficacy = EfficacyAnalysis.Evaluate(outcomes, StudySettings.Default);

        Assert.Equal((1, 1, 1), (efficacy.Treated, efficacy.Evaluable, efficacy.Responders));
    }

    // Was: expected the grade-3 hypertension 25 days after the last lenvatinib dose to be treatment-emergent (last
    // dose 2025-03-21 + 30-day window = 2025-04-20), actual "after the treatment window": the last cycle's oral lenvatinib
    // is recorded as one MedicationAdministration with effectivePeriod 2025-03-01..2025-03-21 and
    // SafetyFactsGatherer.Map takes FhirDates.ToDateOnly(Period) = its start as the day of the dose, so the last dose is
    // read as 2025-03-01 and the window closes on 2025-03-31. CONTRACT section 7 / ADR 0006: treatment-emergent up to
    // last dose + teaeWindowDays; FHIR R4 MedicationAdministration.effectivePeriod: the drug was given over the period.
    [Fact]
    public void The_last_dose_of_an_administration_over_a_period_is_its_end()
    {
        var cycle = Given(P, "lenvatinib", "2025-03-01", 12);
        cycle.Effective = new Period { Start = "2025-03-01", End = "2025-03-21" };
        var ae = GradedEvent("10020772", "Hypertension", "2025-04-15", 3);
        var record = new Safety.SafetyRecord([$"Patient/{P}"], [ae], [Given(P, "lenvatinib", "2025-01-06", 12), cycle]);

        var cutoff = new DateOnly(2025, 6, 30);
        var facts = Safety.SafetyFactsGatherer.Map(record, cutoff);
        var analysis = Trial.Safety.TreatmentEmergence.Analyse(facts.Population, facts.AdverseEvents, cutoff, StudySettings.Default);

        Assert.Equal(new DateOnly(2025, 3, 21), facts.Population.Single().LastDose);
        Assert.Equal(1, analysis.Summary.AnyAe);
    }

    // Was: expected OS censored on 2025-01-16 (the last day the patient was seen: the adverse event's onset), actual
    // censored on 2025-07-24: SubjectFactsMapper.ReadDated takes the latest of AdverseEvent.date, detected and
    // recordedDate, and recordedDate is when the site entered the record (here months later, from the chart), not a day the
    // patient was seen alive. CONTRACT section 4 "OS ... censored at the last date known alive"; R4 AdverseEvent.recordedDate
    // = "the date on which the existence of the AdverseEvent was first recorded". OS follow-up is overstated.
    [Fact]
    public void The_day_an_adverse_event_was_entered_is_not_a_day_known_alive()
    {
        var ae = GradedEvent("10016256", "Fatigue", Day(10), 2);
        ae.RecordedDate = Day(199);

        var os = OverallSurvivalWith(ae);

        Assert.False(os.Event);
        Assert.Equal(FirstDose.AddDays(10), os.End);
    }

    // Was: expected OS censored on 2025-01-16 (last day seen), actual censored on 2025-06-05: an Encounter still
    // "planned" (the patient never came: a no-show left as planned) counts as a day known alive, since
    // SubjectFactsMapper.ReadDated refuses only entered-in-error and cancelled. R4 Encounter.status planned = "the
    // Encounter has not yet started"; CONTRACT section 4: the last date known alive.
    [Fact]
    public void A_planned_encounter_that_never_happened_is_not_a_day_known_alive()
    {
        var visit = new Encounter
        {
            Status = Encounter.EncounterStatus.Planned,
            Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB"),
            Subject = new ResourceReference($"Patient/{P}"),
            Period = new Period { Start = Day(150), End = Day(150) },
        };

        var os = OverallSurvivalWith(visit);

        Assert.False(os.Event);
        Assert.Equal(FirstDose.AddDays(10), os.End);
    }

    /// <summary>OS of a patient dosed on day 0, seen for a lab on day 10, with the dated records given, at cut-off day 300.</summary>
    private static SurvivalSample OverallSurvivalWith(params Resource[] dated)
    {
        var subject = new ResearchSubjectFact("rs", P, "study", "on-study", FirstDose.AddDays(-4));
        var lab = new ObservationFact("lab-1", P, FirstDose.AddDays(10), RecistKind.None, null, null, null, null, null);
        var others = dated.Select(r => SubjectFactsMapper.ReadDated(FhirTrial.Fhir.Serialization.FhirSerializer.ToJson(r))).OfType<DatedFact>();
        var facts = SubjectFactsMapper.Assemble([subject], [(P, null)], [], [lab], [new DatedFact(P, FirstDose, StudyDose: true)],
            others, FirstDose.AddDays(300)).Single();
        return TimeToEvent.OverallSurvival(facts.ToOutcome(facts.EvaluateRecist(StudySettings.Default)))!;
    }

    // Was: expected a response horizon of 168 days (the protocol's "24 weeks", written as a UCUM Quantity 24 wk) or a
    // refusal, actual 24 days: StudySettingsMapper.Apply reads a Quantity's value and drops its unit, so every stage-1
    // subject becomes a "final non-responder" from day 24 and $interim can declare "stop" (futility) six weeks into the
    // trial. ADR 0006 "Simon interim: final outcomes only" (a wrong futility stop cannot be undone); CONTRACT section 7
    // responseHorizonDays. The same holds for every "-days" setting (a 6 wk assessment interval becomes 6 days).
    [Fact]
    public void A_study_setting_given_in_weeks_is_not_read_as_days()
    {
        var study = new ResearchStudy { Id = "study" };
        var setting = new Extension { Url = Common.TrialCodes.StudySettingExtension };
        setting.Extension.Add(new Extension("code", new Code("response-horizon-days")));
        setting.Extension.Add(new Extension("value", Ucum(24, "wk")));
        study.Extension.Add(setting);

        var settings = Common.StudySettingsMapper.ToSettings(study);

        Assert.Equal(168, settings.ResponseHorizonDays);
    }
}
