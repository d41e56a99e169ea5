using System.Text.Json;
using FhirTrial.Trial.Fhir.Common;
using FhirTrial.Trial.Recist;

namespace FhirTrial.Trial.Fhir.Recist;

/// <summary>A ResearchSubject as read: who, in which state, enrolled when.</summary>
public sealed record ResearchSubjectFact(string Id, string? PatientId, string? StudyId, string? Status, DateOnly? EnrollmentDate);

/// <summary>A lesion BodyStructure: its role and node flag when the extensions give them, and its label (T1, NT1...).</summary>
public sealed record LesionFact(string Id, string? PatientId, LesionRole? Role, bool IsLymphNode, string? Label);

/// <summary>What an Observation contributes: a RECIST finding (when it is one) and its date for the last day known alive.</summary>
public sealed record ObservationFact(
    string Id, string? PatientId, DateOnly? Date, RecistKind Kind, string? LesionId, string? GroupKey,
    decimal? Millimetres, NonTargetStatus? NonTargetStatus, NewLesionCertainty? Certainty);

/// <summary>The RECIST Observation kinds of CONTRACT.md section 3.</summary>
public enum RecistKind
{
    None,
    TargetSize,
    NonTargetStatus,
    NewLesion,
}

/// <summary>A dated record of the patient (MedicationAdministration, Encounter, AdverseEvent); StudyDose marks a completed study-drug administration.</summary>
public sealed record DatedFact(string? PatientId, DateOnly? Date, bool StudyDose = false);

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
            r.Object("period") is { } period ? FhirDates.ToDateOnly(period.String("start")) : null);
    }

    /// <summary>The patient's id and date of death (<c>deceasedDateTime</c>; a bare <c>deceasedBoolean</c> gives no date).</summary>
    public static (string Id, DateOnly? DeathDate) ReadPatient(string json)
    {
        using var document = JsonDocument.Parse(json, Options);
        var r = document.RootElement;
        return (r.String("id") ?? "", FhirDates.ToDateOnly(r.String("deceasedDateTime")));
    }

    public static LesionFact ReadBodyStructure(string json)
    {
        using var document = JsonDocument.Parse(json, Options);
        var r = document.RootElement;
        LesionRole? role = null;
        bool? node = null;
        foreach (var extension in r.Array("extension"))
        {
            var url = extension.String("url");
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
        return new LesionFact(r.String("id") ?? "", r.ReferenceId("patient", "Patient"), role, node.Value, label);
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

    /// <summary>A MedicationAdministration: its date, and whether it is a completed study-drug dose (CONTRACT.md section 3).</summary>
    public static DatedFact? ReadAdministration(string json)
    {
        using var document = JsonDocument.Parse(json, Options);
        var r = document.RootElement;
        var status = r.String("status");
        if (status is "entered-in-error" or "not-done") return null;
        var date = r.ChoiceDate("effective");
        return new DatedFact(r.ReferenceId("subject", "Patient"), date, status == "completed" && IsStudyDrug(r));
    }

    /// <summary>An Encounter (latest of its period) or AdverseEvent (latest of date, detected, recordedDate) as a day the patient was seen alive.</summary>
    public static DatedFact? ReadDated(string json)
    {
        using var document = JsonDocument.Parse(json, Options);
        var r = document.RootElement;
        if (r.String("status") is "entered-in-error" or "cancelled") return null;
        var date = r.String("resourceType") switch
        {
            "Encounter" => r.Object("period") is { } period ? FhirJson.PeriodDate(period, latest: true) : null,
            _ => FhirJson.Max(FhirJson.Max(FhirDates.ToDateOnly(r.String("date")), FhirDates.ToDateOnly(r.String("detected"))),
                FhirDates.ToDateOnly(r.String("recordedDate"))),
        };
        return new DatedFact(r.ReferenceId("subject", "Patient"), date);
    }

    private static bool IsStudyDrug(JsonElement administration)
    {
        if (administration.ReferenceId("medicationReference", "Medication") is StudyDrugs.LenvatinibId or StudyDrugs.CadonilimabId)
            return true;
        return administration.CodeOf("medicationCodeableConcept", TrialCodes.StudyDrugSystem) is StudyDrugs.LenvatinibId or StudyDrugs.CadonilimabId;
    }

    /// <summary>
    /// Puts the facts together per ResearchSubject. A lesion's role comes from its BodyStructure; a lesion known only
    /// from an Observation's focus (or a BodyStructure without a role) takes the role its Observation code implies.
    /// Observations without a lesion in <c>focus</c> cannot be followed from scan to scan and are left out of RECIST.
    /// </summary>
    public static IReadOnlyList<SubjectFacts> Assemble(
        IEnumerable<ResearchSubjectFact> subjects,
        IEnumerable<(string Id, DateOnly? DeathDate)> patients,
        IEnumerable<LesionFact> lesions,
        IEnumerable<ObservationFact> observations,
        IEnumerable<DatedFact> administrations,
        IEnumerable<DatedFact> otherDated)
    {
        var deaths = new Dictionary<string, DateOnly?>(StringComparer.Ordinal);
        foreach (var (id, death) in patients) deaths[id] = death;
        var lesionsByPatient = lesions.Where(l => l.PatientId is not null).ToLookup(l => l.PatientId!, StringComparer.Ordinal);
        var observationsByPatient = observations.Where(o => o.PatientId is not null).ToLookup(o => o.PatientId!, StringComparer.Ordinal);
        var firstDose = new Dictionary<string, DateOnly>(StringComparer.Ordinal);
        var lastSeen = new Dictionary<string, DateOnly>(StringComparer.Ordinal);

        void Seen(string? patientId, DateOnly? date)
        {
            if (patientId is null || date is not { } d) return;
            if (!lastSeen.TryGetValue(patientId, out var seen) || d > seen) lastSeen[patientId] = d;
        }

        foreach (var administration in administrations)
        {
            Seen(administration.PatientId, administration.Date);
            if (administration is { StudyDose: true, PatientId: { } pid, Date: { } date }
                && (!firstDose.TryGetValue(pid, out var first) || date < first))
                firstDose[pid] = date;
        }

        foreach (var dated in otherDated) Seen(dated.PatientId, dated.Date);
        foreach (var observation in observationsByPatient.SelectMany(g => g)) Seen(observation.PatientId, observation.Date);

        var result = new List<SubjectFacts>();
        foreach (var subject in subjects)
        {
            var pid = subject.PatientId;
            var patientLesions = pid is null ? [] : lesionsByPatient[pid].ToList();
            var patientObservations = pid is null ? [] : observationsByPatient[pid].Where(o => o.Kind != RecistKind.None && o.Date is not null && o.LesionId is not null).ToList();
            var (lesionList, measurements, nonTargets, newLesions) = RecistRecords(patientLesions, patientObservations);
            result.Add(new SubjectFacts(
                subject.Id,
                pid,
                subject.Status,
                subject.EnrollmentDate,
                pid is not null && firstDose.TryGetValue(pid, out var dose) ? dose : null,
                pid is not null ? deaths.GetValueOrDefault(pid) : null,
                pid is not null && lastSeen.TryGetValue(pid, out var seen) ? seen : null,
                lesionList,
                measurements,
                nonTargets,
                newLesions));
        }

        return result;
    }

    private static (List<Lesion>, List<TargetMeasurement>, List<NonTargetAssessment>, List<NewLesionFinding>) RecistRecords(
        List<LesionFact> lesionFacts, List<ObservationFact> observations)
    {
        var lesions = new Dictionary<string, Lesion>(StringComparer.Ordinal);
        foreach (var fact in lesionFacts)
            if (fact.Role is { } role)
                lesions[fact.Id] = new Lesion(fact.Id, role, fact.IsLymphNode);
        var nodes = lesionFacts.Where(l => l.IsLymphNode).Select(l => l.Id).ToHashSet(StringComparer.Ordinal);

        var measurements = new List<TargetMeasurement>();
        var nonTargets = new List<NonTargetAssessment>();
        var newLesions = new List<NewLesionFinding>();
        // Stable input order (date, then id) keeps "the latest assessed one wins" deterministic for repeats.
        foreach (var o in observations.OrderBy(o => o.Date).ThenBy(o => o.Id, StringComparer.Ordinal))
        {
            var lesionId = o.LesionId!;
            var date = o.Date!.Value;
            var evidence = "Observation/" + o.Id;
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

        return (lesions.Values.OrderBy(l => l.Id, StringComparer.Ordinal).ToList(), measurements, nonTargets, newLesions);
    }
}
