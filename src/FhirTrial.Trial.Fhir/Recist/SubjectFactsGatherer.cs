using FhirTrial.Trial.Endpoints;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Search;
using FhirTrial.Fhir.Storage;
using FhirTrial.Trial.Fhir.Common;
using FhirTrial.Trial.Settings;

namespace FhirTrial.Trial.Fhir.Recist;

/// <summary>
/// Reads the facts of one research subject or of a whole study through the store with a handful of searches: one per
/// resource type, restricted to the subject's patient or, study-wide, to the patients of the study's ResearchSubjects
/// (the study's ResearchSubjects, then one read per resource type of what references their patients), never one query
/// per subject and never a scan of the store: the cost follows the study, not the hospital feed beside it.
/// </summary>
public sealed class SubjectFactsGatherer(IFhirStore store, SearchParser parser)
{
    // One page holds everything: offset paging would re-evaluate the filter for every earlier page.
    private const int PageSize = 1_000_000;
    private const int ParallelMappingThreshold = 2_000;

    // The records that may start new anticancer therapy besides MedicationAdministration.
    private static readonly string[] TherapyTypes = ["MedicationRequest", "MedicationStatement", "Procedure"];

    public RecordReader Records { get; } = new(store, parser);

    /// <summary>One subject's facts at the data cut-off and the settings of their study; 404 for an unknown ResearchSubject.</summary>
    public async Task<(SubjectFacts Facts, StudySettings Settings)> GatherSubjectAsync(string researchSubjectId, DateOnly cutoff, CancellationToken ct)
    {
        var stored = await store.ReadAsync("ResearchSubject", researchSubjectId, ct);
        if (stored is null || stored.Deleted) throw FhirException.NotFound($"ResearchSubject/{researchSubjectId} is not known.");
        var subject = SubjectFactsMapper.ReadResearchSubject(stored.Json);
        var settings = await StudySettingsReader.ReadAsync(Records, subject.StudyId, ct);
        if (subject.PatientId is not { } patientId)
            return (SubjectFactsMapper.Assemble([subject], [], [], [], [], [], cutoff)[0], settings);

        var patient = $"Patient/{patientId}";
        var patientTask = store.ReadAsync("Patient", patientId, ct);
        var lesions = SearchAsync("BodyStructure", SubjectFactsMapper.ReadBodyStructure, ct, ("patient", patient));
        var observations = SearchAsync("Observation", SubjectFactsMapper.ReadObservation, ct, ("subject", patient), ("code", RecistResources.SearchCodes));
        var administrations = SearchAsync("MedicationAdministration", SubjectFactsMapper.ReadAdministration, ct, ("subject", patient));
        var therapies = TherapyTypes.Select(type => SearchAsync(type, SubjectFactsMapper.ReadTherapy, ct, ("subject", patient))).ToList();
        await Task.WhenAll([patientTask, lesions, observations, administrations, .. therapies]);

        var patientRecord = await patientTask;
        var patients = patientRecord is { Deleted: false } ? [SubjectFactsMapper.ReadPatient(patientRecord.Json)] : Array.Empty<(string, DateSpan?)>();
        var (doses, newTherapies) = await ResolveMedicationsAsync(
            (await administrations).OfType<DatedFact>().ToList(), therapies.SelectMany(t => t.Result).OfType<DatedFact>().ToList(), ct);
        var facts = SubjectFactsMapper.Assemble([subject], patients, await lesions, (await observations).OfType<ObservationFact>(),
            doses, [], cutoff, newTherapies);
        return (facts[0], settings);
    }

    /// <summary>Every ResearchSubject of the study with their facts at the cut-off, and the study's settings; 404 for an unknown ResearchStudy.</summary>
    public async Task<(IReadOnlyList<SubjectFacts> Subjects, StudySettings Settings)> GatherStudyAsync(string studyId, DateOnly cutoff, CancellationToken ct)
    {
        var study = await Records.ReadAsync<Hl7.Fhir.Model.ResearchStudy>(studyId, ct)
            ?? throw FhirException.NotFound($"ResearchStudy/{studyId} is not known.");
        var settingsTask = StudySettingsReader.ReadAsync(Records, study, ct);

        var subjects = await SearchAsync("ResearchSubject", SubjectFactsMapper.ReadResearchSubject, ct, ("study", $"ResearchStudy/{studyId}"));
        var enrolled = subjects.Select(s => s.PatientId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        bool InStudy(string? patientId) => patientId is not null && enrolled.Contains(patientId);

        var patients = Task.Run(async () => (await store.ReadManyAsync(enrolled.Select(id => new ResourceKey("Patient", id)).ToList(), ct))
            .Select(p => SubjectFactsMapper.ReadPatient(p.Json)).ToList(), ct);
        var lesions = ReadForPatientsAsync("BodyStructure", "patient", enrolled, SubjectFactsMapper.ReadBodyStructure, l => InStudy(l.PatientId), ct);
        var observations = ReadForPatientsAsync("Observation", "subject", enrolled, SubjectFactsMapper.ReadObservation, o => InStudy(o?.PatientId), ct);
        var administrations = ReadForPatientsAsync("MedicationAdministration", "subject", enrolled, SubjectFactsMapper.ReadAdministration, a => InStudy(a?.PatientId), ct);
        var encounters = ReadForPatientsAsync("Encounter", "subject", enrolled, SubjectFactsMapper.ReadDated, e => InStudy(e?.PatientId), ct);
        var adverseEvents = ReadForPatientsAsync("AdverseEvent", "subject", enrolled, SubjectFactsMapper.ReadDated, e => InStudy(e?.PatientId), ct);
        var therapies = TherapyTypes.Select(type => ReadForPatientsAsync(type, "subject", enrolled, SubjectFactsMapper.ReadTherapy, t => InStudy(t?.PatientId), ct)).ToList();
        await Task.WhenAll([patients, lesions, observations, administrations, encounters, adverseEvents, settingsTask, .. therapies]);

        var (doses, newTherapies) = await ResolveMedicationsAsync(
            (await administrations).OfType<DatedFact>().ToList(), therapies.SelectMany(t => t.Result).OfType<DatedFact>().ToList(), ct);
        var facts = SubjectFactsMapper.Assemble(
            subjects,
            await patients,
            await lesions,
            (await observations).OfType<ObservationFact>(),
            doses,
            (await encounters).Concat(await adverseEvents).OfType<DatedFact>(),
            cutoff,
            newTherapies);
        return (facts, await settingsTask);
    }

    /// <summary>
    /// Marks medication records that name a stored Medication coded as anticancer therapy (one read of the Medications
    /// they name); records of other medications that are not doses are dropped.
    /// </summary>
    private async Task<(List<DatedFact> Administrations, List<DatedFact> Therapies)> ResolveMedicationsAsync(
        List<DatedFact> administrations, List<DatedFact> therapies, CancellationToken ct)
    {
        var named = administrations.Concat(therapies).Select(f => f.MedicationId).OfType<string>().Distinct(StringComparer.Ordinal)
            .Select(id => new ResourceKey("Medication", id)).ToList();
        if (named.Count == 0) return (administrations, therapies);

        var anticancer = (await store.ReadManyAsync(named, ct))
            .Where(m => !m.Deleted)
            .Select(m => SubjectFactsMapper.ReadAnticancerMedication(m.Json))
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        DatedFact Resolve(DatedFact f) => f.MedicationId is { } id && anticancer.Contains(id) ? f with { NewTherapy = true } : f;
        return (administrations.Select(Resolve).ToList(), therapies.Select(Resolve).Where(f => f.NewTherapy).ToList());
    }

    /// <summary>
    /// The current resources of a type that reference one of the patients under <paramref name="param"/> (one query over
    /// the whole set), mapped from their stored JSON and kept when the mapped form passes the filter.
    /// </summary>
    private Task<List<T>> ReadForPatientsAsync<T>(string type, string param, IReadOnlyCollection<string> patients, Func<string, T> map,
        Func<T, bool> keep, CancellationToken ct) =>
        Task.Run(async () =>
        {
            var rows = await store.ReadReferringAsync(type, param, "Patient", patients, ct);
            // Mapping JSON is most of the cost of a large read and each resource maps on its own: spread it over the cores.
            return rows.Count > ParallelMappingThreshold
                ? rows.AsParallel().WithCancellation(ct).Select(r => map(r.Json)).Where(keep).ToList()
                : rows.Select(r => map(r.Json)).Where(keep).ToList();
        }, ct);

    /// <summary>All current matches of a search, each mapped straight from its stored JSON (on the thread pool, so searches overlap).</summary>
    private Task<List<T>> SearchAsync<T>(string type, Func<string, T> map, CancellationToken ct, params (string Name, string Value)[] criteria) =>
        Task.Run(async () =>
        {
            var query = parser.Parse(type, criteria.Select(c => new KeyValuePair<string, string>(c.Name, c.Value)), strict: true).Query
                with { Count = PageSize, CountTotal = false };
            var results = new List<T>();
            for (var offset = 0; ; offset += PageSize)
            {
                var page = await store.SearchAsync(query with { Offset = offset }, ct);
                foreach (var resource in page.Resources)
                    if (!resource.Deleted)
                        results.Add(map(resource.Json));
                if (page.Resources.Count < PageSize) return results;
            }
        }, ct);
}
