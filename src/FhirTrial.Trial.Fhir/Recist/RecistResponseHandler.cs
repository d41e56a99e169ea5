using FhirTrial.Fhir.Errors;
using FhirTrial.Trial.Fhir.Common;
using FhirTrial.Trial.Recist;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Recist;

/// <summary>
/// <c>$recist-response</c>: gathers one research subject's lesions, scans and first dose, evaluates RECIST 1.1, and
/// answers the result as Parameters; with <c>persist</c> also stores it as derived Observations.
/// </summary>
public sealed class RecistResponseHandler(SubjectFactsGatherer gatherer, RecistObservationWriter writer)
{
    public async Task<Parameters> HandleAsync(string researchSubjectId, bool persist, DateOnly cutoff, CancellationToken ct)
    {
        var (facts, settings) = await gatherer.GatherSubjectAsync(researchSubjectId, cutoff, ct);
        var result = facts.EvaluateRecist(settings)
            ?? throw FhirException.Unprocessable(
                $"ResearchSubject/{researchSubjectId} has no completed study-drug MedicationAdministration: RECIST counts from the first dose.");
        if (persist)
            await writer.PersistAsync(facts, result, ct);
        return RecistParametersMapper.ToParameters(result).Echo(cutoff);
    }

    /// <summary>The evaluation itself, for callers that want the reasons as well as the verdicts.</summary>
    public async Task<(SubjectFacts Facts, RecistResult? Result)> EvaluateAsync(string researchSubjectId, DateOnly cutoff, CancellationToken ct)
    {
        var (facts, settings) = await gatherer.GatherSubjectAsync(researchSubjectId, cutoff, ct);
        return (facts, facts.EvaluateRecist(settings));
    }
}
