using FhirTrial.Trial.Datasets;
using FhirTrial.Trial.Fhir.Common;
using FhirTrial.Trial.Fhir.Efficacy;
using FhirTrial.Trial.Fhir.Safety;
using FhirTrial.Trial.Safety;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Datasets;

/// <summary>
/// Gathers a study for its analysis datasets through the same readers as the operations, at one cut-off: the subjects'
/// RECIST facts, results and outcomes as <c>$efficacy</c> evaluates them (<see cref="StudyOutcomes"/>), the safety
/// population and adverse events as <c>$safety</c> reads them (<see cref="SafetyFactsGatherer"/>), and besides them
/// the ResearchSubjects' identifiers, the Patients, doses, labs, vitals and questionnaires (dated up to the cut-off).
/// </summary>
public sealed class DatasetFactsGatherer(StudyOutcomes outcomes, RecordReader records, CtcaeTerms ctcae)
{
    private readonly SafetyFactsGatherer _safety = new(records);

    /// <summary>The study at the cut-off; 404 for an unknown ResearchStudy.</summary>
    public async Task<DatasetStudy> GatherAsync(string studyId, DateOnly cutoff, CancellationToken ct)
    {
        var study = await records.RequireAsync<ResearchStudy>(studyId, ct);
        var (subjects, settings) = await outcomes.EvaluateAsync(studyId, cutoff, ct);
        var safetyRecord = await _safety.GatherAsync(studyId, ct);
        var safety = SafetyFactsGatherer.Map(safetyRecord, cutoff);
        var researchSubjects = (await records.SearchAsync<ResearchSubject>(ct, ("study", $"ResearchStudy/{studyId}")))
            .Where(s => s.Id is not null).ToDictionary(s => s.Id!, StringComparer.Ordinal);

        var patientIds = subjects.Select(s => s.Facts.PatientId).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var patientsTask = records.ReadManyAsync(patientIds.Select(id => $"Patient/{id}"), ct);
        // The subjects' labs, vitals and questionnaires: one read per type over the whole set, as the operations gather.
        var observationsTask = records.ReadForPatientsAsync<Observation>("subject", patientIds, ct, ("code", DatasetFindings.SearchCodes));
        var responsesTask = records.ReadForPatientsAsync<QuestionnaireResponse>("subject", patientIds, ct);
        var patients = await patientsTask;
        var findings = (await observationsTask)
            .SelectMany(o => Key(o.Subject?.Reference) is { } patient
                ? DatasetFindings.Read(o).Where(f => f.Date <= cutoff).Select(f => (Patient: patient, Finding: f))
                : [])
            .ToList();
        var answers = (await responsesTask)
            .SelectMany(r => Key(r.Subject?.Reference) is { } patient
                ? DatasetRecords.Answers(r).Where(a => a.Date <= cutoff).Select(a => (Patient: patient, Answer: a))
                : [])
            .ToList();
        var doses = safetyRecord.Administrations
            .Select(a => (Patient: Key(a.Subject?.Reference), Dose: DatasetRecords.Administration(a)))
            .Where(a => a.Patient is not null && a.Dose is { } dose && dose.Date <= cutoff)
            .ToLookup(a => a.Patient!, a => a.Dose!, StringComparer.Ordinal);
        var findingsByPatient = findings.ToLookup(f => f.Patient, f => f.Finding, StringComparer.Ordinal);
        var answersByPatient = answers.ToLookup(a => a.Patient, a => a.Answer, StringComparer.Ordinal);
        var exposures = safety.Population.ToDictionary(e => e.SubjectId, StringComparer.Ordinal);
        var events = safety.AdverseEvents.ToLookup(e => e.SubjectId, StringComparer.Ordinal);

        var datasetSubjects = subjects.Select(s =>
        {
            var facts = s.Facts;
            var patientKey = facts.PatientId is { } pid ? $"Patient/{pid}" : "";
            var researchSubject = researchSubjects.GetValueOrDefault(facts.SubjectId);
            var patient = patients.GetValueOrDefault(patientKey) as Patient;
            return new DatasetSubject(
                researchSubject?.Identifier.Select(i => i.Value).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v)) ?? facts.SubjectId,
                RecordReader.IdOf(patient?.ManagingOrganization, "Organization"),
                Sex(patient?.Gender),
                FhirDates.ToDateOnly(patient?.BirthDate),
                facts.Status,
                facts.EnrollmentDate,
                FhirDates.ToDateOnly(researchSubject?.Period?.End))
            {
                FirstDose = facts.FirstDose,
                DeathDate = facts.DeathDate,
                LastKnownAliveDate = facts.LastKnownAliveDate,
                LeftStudy = facts.LeftStudy,
                Lesions = facts.Lesions,
                Measurements = facts.Measurements,
                NonTargetAssessments = facts.NonTargetAssessments,
                NewLesions = facts.NewLesions,
                Recist = s.Recist,
                Outcome = s.Outcome,
                Exposure = exposures.GetValueOrDefault(patientKey),
                AdverseEvents = events[patientKey].Select(e => new DatasetAdverseEvent(e, DatasetRecords.BodySystem(e, ctcae))).ToList(),
                Administrations = doses[patientKey].ToList(),
                Findings = findingsByPatient[patientKey].ToList(),
                Answers = answersByPatient[patientKey].ToList(),
            };
        })
        .OrderBy(s => s.SubjectId, StringComparer.Ordinal)
        .ToList();

        return new DatasetStudy(StudyId(study), study.Title, cutoff, settings, Arm(study), datasetSubjects);
    }

    /// <summary>STUDYID: the ResearchStudy's identifier value, else its id.</summary>
    public static string StudyId(ResearchStudy study) =>
        study.Identifier.Select(i => i.Value).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v)) ?? study.Id!;

    /// <summary>The study's (first) arm; ARMCD is its name's letters and digits, upper case, 20 at most.</summary>
    public static StudyArm Arm(ResearchStudy study)
    {
        var name = study.Arm.Select(a => a.Name).FirstOrDefault(n => !string.IsNullOrWhiteSpace(n)) ?? "Study treatment";
        var code = new string(name.ToUpperInvariant().Where(char.IsAsciiLetterOrDigit).Take(20).ToArray());
        return new StudyArm(code.Length > 0 ? code : "TRT", name);
    }

    private static string? Sex(AdministrativeGender? gender) => gender switch
    {
        AdministrativeGender.Male => "M",
        AdministrativeGender.Female => "F",
        AdministrativeGender.Other => "UNDIFFERENTIATED",
        AdministrativeGender.Unknown => "U",
        _ => null,
    };

    private static string? Key(string? reference) =>
        RecordReader.ReferenceKey(reference) is { Type: "Patient" } key ? $"Patient/{key.Id}" : null;
}
