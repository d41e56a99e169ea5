using FhirTrial.Fhir.Engine;
using FhirTrial.Trial.Fhir.Efficacy;
using FhirTrial.Trial.Fhir.Recist;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;

namespace FhirTrial.Trial.Fhir.Tests.Recist;

/// <summary>The three operations over a test store, from the engine <c>AddTrialOperations()</c> wires; a validator
/// given here checks the Observations <c>$recist-response</c> persists.</summary>
public sealed class RecistOperations(TrialStore trial, IWriteValidator? validator = null)
{
    public RecistResponseOperation RecistResponse { get; } = validator is null
        ? trial.Operation<RecistResponseOperation>()
        : new(new RecistResponseHandler(trial.Services.GetRequiredService<SubjectFactsGatherer>(),
            new RecistObservationWriter(trial.Resources, trial.Parser, validator)));

    public EfficacyOperation Efficacy { get; } = trial.Operation<EfficacyOperation>();

    public InterimOperation Interim { get; } = trial.Operation<InterimOperation>();

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
