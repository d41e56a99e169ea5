using System.Text.Json;
using FhirTrial.Trial.Endpoints;
using FhirTrial.Trial.Fhir.Common;
using FhirTrial.Trial.Recist;

namespace FhirTrial.Trial.Fhir.Recist;

/// <summary>A ResearchSubject as read: who, in which state, enrolled when, and when their participation ended.</summary>
public sealed record ResearchSubjectFact(string Id, string? PatientId, string? StudyId, string? Status, DateOnly? EnrollmentDate, DateOnly? EndDate = null)
{
    /// <summary>off-study or withdrawn: the subject has left the study (R4 ResearchSubject.status).</summary>
    public bool HasLeft => Status is "off-study" or "withdrawn";

    /// <summary>
    /// The last day whose scans and doses count for this subject: the cut-off, or the day they left the study when
    /// earlier (issue 15: nothing after an off-study subject's period.end counts).
    /// </summary>
    public DateOnly LastCountedDay(DateOnly cutoff) => HasLeft && EndDate is { } end && end < cutoff ? end : cutoff;

    /// <summary>Left by the cut-off: a recorded end after it means they were still on study then.</summary>
    public bool HasLeftBy(DateOnly cutoff) => HasLeft && (EndDate is not { } end || end <= cutoff);
}

/// <summary>
/// A lesion BodyStructure: its role and node flag when the extensions give them, its label (T1, NT1...), and its organ
/// (the first <c>location</c> coding as system|code, or its text); for a fragment or a merged lesion, the lesion it split
/// from or coalesced into (BodyStructure ids).
/// </summary>
public sealed record LesionFact(string Id, string? PatientId, LesionRole? Role, bool IsLymphNode, string? Label, string? Organ = null)
{
    public string? SplitFrom { get; init; }
    public string? CoalescedInto { get; init; }

    /// <summary>The location's display or text, as people read it.</summary>
    public string? OrganName { get; init; }
}

/// <summary>What an Observation contributes: a RECIST finding (when it is one) and its date for the last day known alive.</summary>
public sealed record ObservationFact(
    string Id, string? PatientId, DateOnly? Date, RecistKind Kind, string? LesionId, string? GroupKey,
    decimal? Millimetres, NonTargetStatus? NonTargetStatus, NewLesionCertainty? Certainty);

/// <summary>One patient's RECIST records; <paramref name="Unlinked"/> are tumour sizes without a lesion in <c>focus</c>.</summary>
public sealed record PatientRecist(
    IReadOnlyList<Lesion> Lesions,
    IReadOnlyList<TargetMeasurement> Measurements,
    IReadOnlyList<NonTargetAssessment> NonTargetAssessments,
    IReadOnlyList<NewLesionFinding> NewLesions,
    IReadOnlyList<TargetMeasurement> Unlinked)
{
    public RecistInput ToInput(DateOnly firstDose, DateOnly? deathDate) =>
        new(Lesions, Measurements, NonTargetAssessments, NewLesions, firstDose, deathDate);
}

/// <summary>The RECIST Observation kinds of CONTRACT.md section 3.</summary>
public enum RecistKind
{
    None,
    TargetSize,
    NonTargetStatus,
    NewLesion,
}

/// <summary>
/// A dated record of the patient (MedicationAdministration, Encounter, AdverseEvent); StudyDose marks a study-drug
/// administration given (<see cref="StudyDrugs.WasGiven(string?)"/>), NewTherapy a new anticancer therapy (<see cref="NewAnticancerTherapy"/>), and MedicationId a
/// stored Medication the caller must look at to know whether it is one.
/// </summary>
public sealed record DatedFact(string? PatientId, DateOnly? Date, bool StudyDose = false, bool NewTherapy = false, string? MedicationId = null)
{
    /// <summary>The last day it covers (an administration over a period: its end); <see cref="Date"/> when a single day.</summary>
    public DateOnly? LastDate { get; init; }
}

/// <summary>
/// FHIR JSON -> trial facts, one resource at a time, then assembled per ResearchSubject. Data is recognised by its
/// codes and extensions whether or not it claims a profile in <c>meta.profile</c>.
/// </summary>
public static class SubjectFactsMapper
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 128 };

    public static ResearchSubjectFact ReadResearchSubject(string json)
    {
        using var document = JsonDocument.Parse(json, Options);
        var r = document.RootElement;
        return new ResearchSubjectFact(
            r.String("id") ?? "",
            r.ReferenceId("individual", "Patient"),
            r.ReferenceId("study", "ResearchStudy"),
            r.String("status"),
            r.Object("period") is { } period ? FhirDates.ToDateOnly(period.String("start")) : null,
            r.Object("period") is { } ended ? FhirDates.ToDateOnly(ended.String("end")) : null);
    }

    /// <summary>
    /// The patient's id and date of death (<c>deceasedDateTime</c>, as the days it may mean when partial; a bare
    /// <c>deceasedBoolean</c> gives no date). <see cref="Assemble"/> dates a partial one (<see cref="DeathDateImputation"/>).
    /// </summary>
    public static (string Id, DateSpan? DeathDate) ReadPatient(string json)
    {
        using var document = JsonDocument.Parse(json, Options);
        var r = document.RootElement;
        return (r.String("id") ?? "", FhirDates.ToDateSpan(r.String("deceasedDateTime")));
    }

    public static LesionFact ReadBodyStructure(string json)
    {
        using var document = JsonDocument.Parse(json, Options);
        var r = document.RootElement;
        LesionRole? role = null;
        bool? node = null;
        string? splitFrom = null, coalescedInto = null;
        foreach (var extension in r.Array("extension"))
        {
            var url = extension.String("url");
            if (url == TrialCodes.SplitFromExtension) splitFrom = extension.ReferenceId("valueReference", "BodyStructure");
            if (url == TrialCodes.CoalescedIntoExtension) coalescedInto = extension.ReferenceId("valueReference", "BodyStructure");
            if (url == TrialCodes.LesionRoleExtension)
            {
                role = extension.String("valueCode") switch
                {
                    "target" => LesionRole.Target,
                    "non-target" => LesionRole.NonTarget,
                    "new" => LesionRole.New,
                    _ => null,
                };
            }
            else if (url == TrialCodes.LymphNodeExtension)
            {
                node = extension.Boolean("valueBoolean");
            }
        }

        // Without the extension a lesion located in a lymph node structure is still a node (measured by short axis).
        node ??= r.Object("location") is { } location && location.HasCoding(TrialCodes.Snomed, TrialCodes.LymphNodeStructure);
        var label = r.Array("identifier").Select(i => i.String("value")).FirstOrDefault(v => v is not null);
        var organ = r.Object("location") is { } site
            ? site.Array("coding").Select(c => c.String("code") is { } code ? $"{c.String("system")}|{code}" : null).FirstOrDefault(o => o is not null)
              ?? site.String("text")
            : null;
        var organName = r.Object("location") is { } named
            ? named.Array("coding").Select(c => c.String("display")).FirstOrDefault(d => d is not null) ?? named.String("text")
            : null;
        return new LesionFact(r.String("id") ?? "", r.ReferenceId("patient", "Patient"), role, node.Value, label, organ)
        {
            SplitFrom = splitFrom,
            CoalescedInto = coalescedInto,
            OrganName = organName,
        };
    }

    public static ObservationFact? ReadObservation(string json)
    {
        using var document = JsonDocument.Parse(json, Options);
        var r = document.RootElement;
        if (r.String("status") is "entered-in-error" or "cancelled") return null;

        var id = r.String("id") ?? "";
        var patientId = r.ReferenceId("subject", "Patient");
        var date = r.ChoiceDate("effective") ?? FhirDates.ToDateOnly(r.String("issued"));
        var kind = RecistKind.None;
        if (r.Object("code") is { } code)
        {
            if (code.HasCoding(TrialCodes.Loinc, TrialCodes.TumourSize)) kind = RecistKind.TargetSize;
            else if (code.HasCoding(TrialCodes.RecistSystem, TrialCodes.NonTargetStatus)) kind = RecistKind.NonTargetStatus;
            else if (code.HasCoding(TrialCodes.RecistSystem, TrialCodes.NewLesion)) kind = RecistKind.NewLesion;
        }

        if (kind == RecistKind.None)
            return new ObservationFact(id, patientId, date, kind, null, null, null, null, null);

        var lesionId = r.Array("focus").Select(f => FhirJson.IdOf(f.String("reference"), "BodyStructure")).FirstOrDefault(x => x is not null);
        var encounter = r.Object("encounter")?.String("reference");
        var groupKey = FhirJson.IdOf(encounter, "Encounter") ?? encounter;
        var absent = r.Object("dataAbsentReason") is not null;
        decimal? mm = null;
        NonTargetStatus? status = null;
        NewLesionCertainty? certainty = null;
        switch (kind)
        {
            case RecistKind.TargetSize:
                mm = !absent && r.Object("valueQuantity") is { } quantity ? FhirJson.Millimetres(quantity) : null;
                break;
            case RecistKind.NonTargetStatus:
                status = absent ? null : r.CodeOf("valueCodeableConcept", TrialCodes.RecistSystem) switch
                {
                    "present" => NonTargetStatus.Present,
                    "absent" => NonTargetStatus.Absent,
                    "unequivocal-progression" => NonTargetStatus.UnequivocalProgression,
                    _ => null,
                };
                break;
            case RecistKind.NewLesion:
                // Only an unequivocal new lesion is progression, so an unreadable certainty counts as equivocal.
                certainty = r.CodeOf("valueCodeableConcept", TrialCodes.RecistSystem) == "unequivocal"
                    ? NewLesionCertainty.Unequivocal
                    : NewLesionCertainty.Equivocal;
                break;
        }

        return new ObservationFact(id, patientId, date, kind, lesionId, groupKey, mm, status, certainty);
    }

    /// <summary>
    /// A MedicationAdministration: its first and last day (a period's start and end), and whether it is a study-drug
    /// dose given (<see cref="StudyDrugs.WasGiven(string?)"/>; CONTRACT.md section 3).
    /// </summary>
    public static DatedFact? ReadAdministration(string json)
    {
        using var document = JsonDocument.Parse(json, Options);
        var r = document.RootElement;
        var status = r.String("status");
        if (status is "entered-in-error" or "not-done") return null;
        var date = r.ChoiceDate("effective");
        var studyDose = StudyDrugs.WasGiven(status) && IsStudyDrug(r);
        var therapy = NewAnticancerTherapy.IsAnticancerMedication(r, out var medicationId);
        return new DatedFact(r.ReferenceId("subject", "Patient"), date, studyDose, therapy, medicationId) { LastDate = r.ChoiceLastDate("effective") };
    }

    /// <summary>
    /// A MedicationRequest (<c>authoredOn</c>), MedicationStatement (<c>effective[x]</c>) or Procedure (<c>performed[x]</c>)
    /// as a possible new anticancer therapy; null when it is not one or did not happen.
    /// </summary>
    public static DatedFact? ReadTherapy(string json)
    {
        using var document = JsonDocument.Parse(json, Options);
        var r = document.RootElement;
        var patientId = r.ReferenceId("subject", "Patient");
        switch (r.String("resourceType"))
        {
            case "MedicationRequest" when r.String("status") is not ("entered-in-error" or "cancelled" or "draft")
                                           && r.String("intent") is not ("proposal" or "plan"):
            case "MedicationStatement" when r.String("status") is not ("entered-in-error" or "not-taken" or "intended"):
                var date = r.String("resourceType") == "MedicationRequest" ? FhirDates.ToDateOnly(r.String("authoredOn")) : r.ChoiceDate("effective");
                var therapy = NewAnticancerTherapy.IsAnticancerMedication(r, out var medicationId);
                return therapy || medicationId is not null ? new DatedFact(patientId, date, false, therapy, medicationId) : null;
            case "Procedure" when r.String("status") is "completed" or "in-progress" or "stopped":
                return NewAnticancerTherapy.IsAnticancerProcedure(r) ? new DatedFact(patientId, r.ChoiceDate("performed"), false, true) : null;
            default:
                return null;
        }
    }

    /// <summary>The id of a Medication coded as anticancer therapy other than a study drug; null for any other.</summary>
    public static string? ReadAnticancerMedication(string json)
    {
        using var document = JsonDocument.Parse(json, Options);
        var r = document.RootElement;
        return NewAnticancerTherapy.IsAnticancerConcept(r.Object("code")) ? r.String("id") : null;
    }

    /// <summary>
    /// An Encounter that took place (latest of its period) or an AdverseEvent (latest of its onset <c>date</c> and
    /// <c>detected</c>) as a day the patient was seen alive (CONTRACT.md section 4: OS is censored at the last date known
    /// alive; ADR 0006, amended). Not an AdverseEvent's <c>recordedDate</c>: R4 "the date on which the existence of the
    /// AdverseEvent was first recorded", which a site may enter months later from the chart. Not an Encounter that never
    /// happened: R4 Encounter.status <c>planned</c> ("has not yet started"), <c>cancelled</c>, <c>entered-in-error</c>,
    /// <c>unknown</c>; <c>arrived</c> and <c>triaged</c> ("the patient is present"), <c>in-progress</c>, <c>onleave</c>
    /// and <c>finished</c> did.
    /// </summary>
    public static DatedFact? ReadDated(string json)
    {
        using var document = JsonDocument.Parse(json, Options);
        var r = document.RootElement;
        DateOnly? date;
        if (r.String("resourceType") == "Encounter")
        {
            if (r.String("status") is not ("arrived" or "triaged" or "in-progress" or "onleave" or "finished")) return null;
            date = r.Object("period") is { } period ? FhirJson.PeriodDate(period, latest: true) : null;
        }
        else
        {
            if (r.String("status") is "entered-in-error" or "cancelled") return null;
            date = FhirJson.Max(FhirDates.ToDateOnly(r.String("date")), FhirDates.ToDateOnly(r.String("detected")));
        }
        return new DatedFact(r.ReferenceId("subject", "Patient"), date);
    }

    // As StudyDrugs.Recognise reads Firely POCOs: a reference, the study-drug code, or lenvatinib's ATC code.
    private static bool IsStudyDrug(JsonElement administration)
    {
        if (administration.ReferenceId("medicationReference", "Medication") is StudyDrugs.LenvatinibId or StudyDrugs.CadonilimabId)
            return true;
        if (administration.CodeOf("medicationCodeableConcept", TrialCodes.Atc) == TrialCodes.LenvatinibAtc)
            return true;
        return administration.CodeOf("medicationCodeableConcept", TrialCodes.StudyDrugSystem) is StudyDrugs.LenvatinibId or StudyDrugs.CadonilimabId;
    }

    /// <summary>
    /// Puts the facts together per ResearchSubject, as they stood at the end of <paramref name="cutoff"/>: every record
    /// dated after it is dropped here, once, before any rule runs, so every operation sees the same data (issue 15,
    /// "Data cut-off"); so are scans and doses after the day an off-study subject left. A lesion's role comes from its BodyStructure; a
    /// lesion known only from an Observation's focus (or a BodyStructure without a role) takes the role its Observation
    /// code implies. Observations without a lesion in <c>focus</c> cannot be followed from scan to scan and are left out of RECIST.
    /// </summary>
    public static IReadOnlyList<SubjectFacts> Assemble(
        IEnumerable<ResearchSubjectFact> subjects,
        IEnumerable<(string Id, DateSpan? DeathDate)> patients,
        IEnumerable<LesionFact> lesions,
        IEnumerable<ObservationFact> observations,
        IEnumerable<DatedFact> administrations,
        IEnumerable<DatedFact> otherDated,
        DateOnly cutoff,
        IEnumerable<DatedFact>? newTherapies = null)
    {
        var deaths = new Dictionary<string, DateSpan?>(StringComparer.Ordinal);
        foreach (var (id, death) in patients) deaths[id] = death;
        var lesionsByPatient = lesions.Where(l => l.PatientId is not null).ToLookup(l => l.PatientId!, StringComparer.Ordinal);
        var observationsByPatient = observations.Where(o => o.PatientId is not null && o.Date is not null).ToLookup(o => o.PatientId!, StringComparer.Ordinal);
        var administrationsByPatient = administrations.Where(a => a.PatientId is not null && a.Date is not null).ToLookup(a => a.PatientId!, StringComparer.Ordinal);
        var datedByPatient = otherDated.Where(d => d.PatientId is not null && d.Date is not null).ToLookup(d => d.PatientId!, StringComparer.Ordinal);
        var therapiesByPatient = administrations.Concat(newTherapies ?? [])
            .Where(t => t.NewTherapy && t.PatientId is not null && t.Date is not null)
            .ToLookup(t => t.PatientId!, StringComparer.Ordinal);

        // One subject per patient (ICH E9; the enrolment rule of $safety, Enrolment.IsEnrolled): a patient's doses and
        // scans belong to their enrolled ResearchSubject, the earliest enrolled when there are several, never to a
        // screen failure of a re-screened patient, so no patient is treated or evaluable twice (ADR 0006, amended).
        var subjectList = subjects.ToList();
        var owners = subjectList
            .Where(s => s.PatientId is not null && Enrolment.IsEnrolled(s.Status))
            .GroupBy(s => s.PatientId!, StringComparer.Ordinal)
            .Select(g => g.OrderBy(s => s.EnrollmentDate ?? DateOnly.MaxValue).ThenBy(s => s.Id, StringComparer.Ordinal).First())
            .ToHashSet();

        var result = new List<SubjectFacts>();
        foreach (var subject in subjectList)
        {
            var pid = subject.PatientId;
            var ownsRecords = owners.Contains(subject);
            // Scans and doses count up to the day the subject left; vital status (death, last known alive) is followed
            // up to the cut-off, as overall survival needs (ADR 0006).
            var onStudyUntil = subject.LastCountedDay(cutoff);
            bool Known(DateOnly? date) => date <= cutoff;
            bool OnStudy(DateOnly? date) => date <= onStudyUntil;

            var patientObservations = pid is null ? [] : observationsByPatient[pid].Where(o => Known(o.Date)).ToList();
            var patientAdministrations = pid is null ? [] : administrationsByPatient[pid].Where(a => Known(a.Date)).ToList();
            var patientDated = pid is null ? [] : datedByPatient[pid].Where(d => Known(d.Date)).ToList();
            var firstDose = ownsRecords ? patientAdministrations.Where(a => a.StudyDose && OnStudy(a.Date)).Select(a => a.Date).Min() : null;
            // An administration over a period shows the patient alive until its end (as known at the cut-off).
            var lastSeen = patientAdministrations.Select(a => a.LastDate is { } last && last > a.Date ? (last < cutoff ? last : cutoff) : a.Date)
                .Concat(patientDated.Select(d => d.Date))
                .Concat(patientObservations.Select(o => o.Date))
                .Max();
            // A death recorded to the month is dated no earlier than the last day the patient was seen alive.
            var death = pid is not null && deaths.GetValueOrDefault(pid) is { } died && Known(died.Earliest)
                ? DeathDateImputation.Impute(died, lastSeen)
                : (DateOnly?)null;
            var newTherapy = pid is null || firstDose is not { } dosed ? null
                : therapiesByPatient[pid].Where(t => t.Date > dosed && OnStudy(t.Date)).Select(t => t.Date).Min();

            var recist = Recist(pid is null || !ownsRecords ? [] : lesionsByPatient[pid], patientObservations.Where(o => ownsRecords && OnStudy(o.Date)));
            result.Add(new SubjectFacts(
                subject.Id,
                pid,
                subject.Status,
                subject.EnrollmentDate,
                firstDose,
                death,
                lastSeen,
                recist.Lesions,
                recist.Measurements,
                recist.NonTargetAssessments,
                recist.NewLesions)
            {
                LeftStudy = subject.HasLeftBy(cutoff),
                LeftStudyDate = subject.HasLeftBy(cutoff) ? subject.EndDate : null,
                NewTherapyDate = newTherapy,
            });
        }

        return result;
    }

    /// <summary>
    /// The RECIST records of one patient from their lesion BodyStructures and Observations: the one reading of RECIST data
    /// every operation uses (<c>$recist-response</c>, <c>$efficacy</c>, <c>$interim</c> through <see cref="Assemble"/>;
    /// <c>$protocol-deviations</c> and <c>$eligibility</c> through <see cref="Common.RecistResources"/>). Lesions are
    /// identified by their BodyStructure id; a lesion's role and node flag come from its BodyStructure, else from the
    /// Observation code (and a lymph-node location). Sizes without a lesion in <c>focus</c> cannot be followed from scan
    /// to scan: they are kept apart as <see cref="PatientRecist.Unlinked"/> (measurable disease may use them; RECIST does not).
    /// </summary>
    public static PatientRecist Recist(IEnumerable<LesionFact> lesionFacts, IEnumerable<ObservationFact> observations)
    {
        var lesions = new Dictionary<string, Lesion>(StringComparer.Ordinal);
        var facts = lesionFacts.ToList();
        foreach (var fact in facts)
            if (fact.Role is { } role)
                lesions[fact.Id] = new Lesion(fact.Id, role, fact.IsLymphNode) { Organ = fact.Organ, Label = fact.Label, OrganName = fact.OrganName };
        var nodes = facts.Where(l => l.IsLymphNode).Select(l => l.Id).ToHashSet(StringComparer.Ordinal);

        var measurements = new List<TargetMeasurement>();
        var nonTargets = new List<NonTargetAssessment>();
        var newLesions = new List<NewLesionFinding>();
        var unlinked = new List<TargetMeasurement>();
        // Stable input order (date, then id) keeps "the latest assessed one wins" deterministic for repeats.
        foreach (var o in observations.Where(o => o.Kind != RecistKind.None && o.Date is not null)
                     .OrderBy(o => o.Date).ThenBy(o => o.Id, StringComparer.Ordinal))
        {
            var date = o.Date!.Value;
            var evidence = "Observation/" + o.Id;
            if (o.LesionId is not { } lesionId)
            {
                if (o.Kind == RecistKind.TargetSize)
                    unlinked.Add(new TargetMeasurement(evidence, date, o.Millimetres, evidence, o.GroupKey));
                continue;
            }

            switch (o.Kind)
            {
                case RecistKind.TargetSize:
                    lesions.TryAdd(lesionId, new Lesion(lesionId, LesionRole.Target, nodes.Contains(lesionId)));
                    measurements.Add(new TargetMeasurement(lesionId, date, o.Millimetres, evidence, o.GroupKey));
                    break;
                case RecistKind.NonTargetStatus:
                    lesions.TryAdd(lesionId, new Lesion(lesionId, LesionRole.NonTarget, nodes.Contains(lesionId)));
                    nonTargets.Add(new NonTargetAssessment(lesionId, date, o.NonTargetStatus, evidence, o.GroupKey));
                    break;
                case RecistKind.NewLesion:
                    lesions.TryAdd(lesionId, new Lesion(lesionId, LesionRole.New, nodes.Contains(lesionId)));
                    newLesions.Add(new NewLesionFinding(lesionId, date, o.Certainty ?? NewLesionCertainty.Equivocal, evidence, o.GroupKey));
                    break;
            }
        }

        // Fragments and merged lesions (RECIST 1.1, lesions that split or coalesce), whatever role they were given or found by.
        foreach (var fact in facts.Where(f => f.SplitFrom is not null || f.CoalescedInto is not null))
            if (lesions.TryGetValue(fact.Id, out var lesion))
                lesions[fact.Id] = lesion with { SplitFrom = fact.SplitFrom, CoalescedInto = fact.CoalescedInto };

        return new PatientRecist(lesions.Values.OrderBy(l => l.Id, StringComparer.Ordinal).ToList(), measurements, nonTargets, newLesions, unlinked);
    }
}
