using FhirTrial.Trial.Fhir.Common;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Safety;

/// <summary>A study's subjects (Patient references) and their adverse events.</summary>
public sealed record SafetyRecord(IReadOnlyList<string> SubjectReferences, IReadOnlyList<AdverseEvent> AdverseEvents);

/// <summary>Gathers the study's subjects and their AdverseEvents: one search for the subjects, one per batch of patients.</summary>
public sealed class SafetyFactsGatherer(RecordReader records)
{
    private const int PatientsPerSearch = 50;

    public async Task<SafetyRecord> GatherAsync(string studyId, CancellationToken ct)
    {
        var subjects = await records.SearchAsync<ResearchSubject>(ct, ("study", $"ResearchStudy/{studyId}"));
        var patients = subjects
            .Where(IsEnrolled)
            .Select(s => RecordReader.IdOf(s.Individual, "Patient"))
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .Select(id => $"Patient/{id}")
            .ToArray();

        var events = new List<AdverseEvent>();
        foreach (var batch in patients.Chunk(PatientsPerSearch))
            events.AddRange(await records.SearchAsync<AdverseEvent>(ct, ("subject", string.Join(',', batch))));
        return new SafetyRecord(patients, events);
    }

    /// <summary>Candidates and screen failures never joined the study, so they are not in its safety population.</summary>
    private static bool IsEnrolled(ResearchSubject subject) =>
        subject.Status is not (ResearchSubject.ResearchSubjectStatus.Candidate or ResearchSubject.ResearchSubjectStatus.Ineligible
            or ResearchSubject.ResearchSubjectStatus.NotRegistered);
}
