using FhirTrial.Trial.Fhir.Common;
using FhirTrial.Trial.Safety;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Safety;

/// <summary>A study's enrolled subjects (Patient references), their adverse events and their MedicationAdministrations.</summary>
public sealed record SafetyRecord(
    IReadOnlyList<string> SubjectReferences, IReadOnlyList<AdverseEvent> AdverseEvents, IReadOnlyList<MedicationAdministration> Administrations);

/// <summary>The safety facts at the cut-off: the dosed population and their adverse events (FHIR -> domain).</summary>
public sealed record SafetyFacts(IReadOnlyList<SubjectExposure> Population, IReadOnlyList<AdverseEventRecord> AdverseEvents);

/// <summary>Gathers the study's subjects, their AdverseEvents and doses: one search for the subjects, then one read per
/// type of what references their patients.</summary>
public sealed class SafetyFactsGatherer(RecordReader records)
{
    public async Task<SafetyRecord> GatherAsync(string studyId, CancellationToken ct)
    {
        var subjects = await records.SearchAsync<ResearchSubject>(ct, ("study", $"ResearchStudy/{studyId}"));
        var patients = subjects
            .Where(s => Enrolment.IsEnrolled(s.Status is { } status ? Hl7.Fhir.Utility.EnumUtility.GetLiteral(status) : null))
            .Select(s => RecordReader.IdOf(s.Individual, "Patient"))
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToArray();

        var events = records.ReadForPatientsAsync<AdverseEvent>("subject", patients, ct);
        var administrations = records.ReadForPatientsAsync<MedicationAdministration>("subject", patients, ct);
        return new SafetyRecord(patients.Select(id => $"Patient/{id}").ToArray(), await events, await administrations);
    }

    /// <summary>
    /// The facts at the data cut-off, applied here once: doses and events dated after it are left out. The population
    /// is every enrolled subject with a study-drug administration given (<see cref="StudyDrugs.WasGiven(string?)"/>) on
    /// or before the cut-off.
    /// </summary>
    public static SafetyFacts Map(SafetyRecord record, DateOnly cutoff)
    {
        var enrolled = record.SubjectReferences.ToHashSet(StringComparer.Ordinal);
        var population = record.Administrations
            .Where(a => StudyDrugs.WasGiven(a) && StudyDrugs.Recognise(a.Medication) is not null)
            .Select(a => (Subject: RecordReader.ReferenceKey(a.Subject?.Reference) is { Type: "Patient" } key ? $"Patient/{key.Id}" : null,
                Date: FhirDates.ToDateOnly(a.Effective), Last: FhirDates.LastDay(a.Effective)))
            .Where(a => a.Subject is not null && enrolled.Contains(a.Subject) && a.Date <= cutoff)
            .GroupBy(a => a.Subject!, StringComparer.Ordinal)
            // Given over a period: first dose on its start, last dose on its end (as of the cut-off).
            .Select(g => new SubjectExposure(g.Key, g.Min(a => a.Date!.Value), g.Max(a => Min(a.Last ?? a.Date!.Value, cutoff))))
            .OrderBy(e => e.SubjectId, StringComparer.Ordinal)
            .ToList();
        var events = record.AdverseEvents
            .Select(AdverseEventMapper.Map)
            .OfType<AdverseEventRecord>()
            .Where(e => e.Onset is not { } onset || onset <= cutoff)
            .ToList();
        return new SafetyFacts(population, events);
    }

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;
}
