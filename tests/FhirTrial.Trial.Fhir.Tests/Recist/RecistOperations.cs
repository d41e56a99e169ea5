using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Indexing;
using FhirTrial.Fhir.Search;
using FhirTrial.Trial.Fhir.Efficacy;
using FhirTrial.Trial.Fhir.Recist;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Tests.Recist;

/// <summary>The three operations wired by hand over a test store, as <c>AddTrialOperations()</c> wires them in the server.</summary>
public sealed class RecistOperations(TrialStore trial, IWriteValidator? validator = null)
{
    private static readonly SearchParser Parser = new(new SearchParameterRegistry());

    public RecistResponseOperation RecistResponse { get; } = new(new RecistResponseHandler(
        new SubjectFactsGatherer(trial.Store, Parser),
        new RecistObservationWriter(trial.Resources, Parser, validator ?? new NoWriteValidation())));

    public EfficacyOperation Efficacy { get; } = new(new StudyOutcomes(new SubjectFactsGatherer(trial.Store, Parser)));

    public InterimOperation Interim { get; } = new(new StudyOutcomes(new SubjectFactsGatherer(trial.Store, Parser)));

    /// <summary>The cut-off the helpers use unless told otherwise: after all test data, fixed so approved files do not change by the day.</summary>
    public const string AfterAllData = "2026-06-30";

    public async Task<Parameters> GetRecistAsync(string subjectId, string cutoff = AfterAllData) =>
        (Parameters)(await RecistResponse.ExecuteAsync(TrialStore.Get("ResearchSubject", subjectId, ("cutoff", cutoff)), default)).Resource!;

    public async Task<Parameters> PersistRecistAsync(string subjectId) =>
        (Parameters)(await RecistResponse.ExecuteAsync(TrialStore.Post("ResearchSubject", subjectId, new Parameters(), ("persist", "true")), default)).Resource!;

    public async Task<Parameters> EfficacyAsync(string studyId = TrialStore.StudyId, string cutoff = AfterAllData) =>
        (Parameters)(await Efficacy.ExecuteAsync(TrialStore.Get("ResearchStudy", studyId, ("cutoff", cutoff)), default)).Resource!;

    public async Task<Parameters> InterimAsync(string cutoff, string studyId = TrialStore.StudyId) =>
        (Parameters)(await Interim.ExecuteAsync(TrialStore.Get("ResearchStudy", studyId, ("cutoff", cutoff)), default)).Resource!;
}
