using FhirTrial.Fhir.Conformance;
using FhirTrial.Fhir.Engine;
using FhirTrial.Trial.Fhir.Common;
using FhirTrial.Trial.Safety;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Safety;

/// <summary>
/// <c>GET ResearchStudy/{id}/$safety[?cutoff=YYYY-MM-DD]</c>: subject-level counts of treatment-emergent adverse events in
/// the safety population and the per-term table, with pre-treatment events listed apart (ADR 0006).
/// </summary>
/// <param name="ctcae">The CTCAE v5.0 terms of the package (<see cref="CtcaeTermMap"/>), for the table by system organ class.</param>
public sealed class SafetyOperation(RecordReader records, CtcaeTerms ctcae) : IFhirOperation
{
    private readonly SafetyFactsGatherer _gatherer = new(records);

    public OperationInfo Info { get; } = new("safety", TrialCodes.Canon + "/OperationDefinition/safety", ["ResearchStudy"]);

    public bool Accepts(string? type, string? id) => type == "ResearchStudy" && id is not null;

    public async Task<OperationResult> ExecuteAsync(OperationRequest request, CancellationToken ct)
    {
        var cutoff = DataCutoff.Resolve(request);
        var study = await records.RequireAsync<ResearchStudy>(request.Id!, ct);
        var settings = await StudySettingsReader.ReadAsync(records, study, ct);
        var record = await _gatherer.GatherAsync(request.Id!, ct);

        var facts = SafetyFactsGatherer.Map(record, cutoff);
        var analysis = TreatmentEmergence.Analyse(facts.Population, facts.AdverseEvents, cutoff, settings, ctcae);
        var terms = record.AdverseEvents
            .Select(AdverseEventMapper.Term)
            .OfType<Coding>()
            .GroupBy(c => c.Code!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        return OperationResult.Ok(SafetyParametersMapper.ToParameters(analysis, terms).Echo(cutoff));
    }
}
