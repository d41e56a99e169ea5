using FhirTrial.Fhir.Conformance;
using FhirTrial.Fhir.Engine;
using FhirTrial.Trial.Fhir.Common;
using FhirTrial.Trial.Safety;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Safety;

/// <summary><c>GET ResearchStudy/{id}/$safety</c>: subject-level adverse event counts and the per-term table.</summary>
public sealed class SafetyOperation(RecordReader records) : IFhirOperation
{
    private readonly SafetyFactsGatherer _gatherer = new(records);

    public OperationInfo Info { get; } = new("safety", TrialCodes.Canon + "/OperationDefinition/safety", ["ResearchStudy"]);

    public bool Accepts(string? type, string? id) => type == "ResearchStudy" && id is not null;

    public async Task<OperationResult> ExecuteAsync(OperationRequest request, CancellationToken ct)
    {
        await records.RequireAsync<ResearchStudy>(request.Id!, ct);
        var record = await _gatherer.GatherAsync(request.Id!, ct);

        var events = record.AdverseEvents.Select(AdverseEventMapper.Map).OfType<AdverseEventRecord>().ToArray();
        var summary = SafetySummary.Compute(record.SubjectReferences, events);
        var terms = record.AdverseEvents
            .Select(AdverseEventMapper.Term)
            .OfType<Coding>()
            .GroupBy(c => c.Code!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        return OperationResult.Ok(SafetyParametersMapper.ToParameters(summary, terms));
    }
}
