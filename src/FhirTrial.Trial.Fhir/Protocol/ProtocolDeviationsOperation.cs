using FhirTrial.Fhir.Conformance;
using FhirTrial.Fhir.Engine;
using FhirTrial.Trial.Fhir.Common;
using FhirTrial.Trial.Protocol;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Protocol;

/// <summary>
/// <c>GET ResearchSubject/{id}/$protocol-deviations[?cutoff=YYYY-MM-DD]</c>: dosing and assessment-schedule deviations
/// of the subject at the data cut-off (default today), under its study's settings.
/// </summary>
public sealed class ProtocolDeviationsOperation(RecordReader records) : IFhirOperation
{
    private readonly ProtocolFactsGatherer _gatherer = new(records);

    public OperationInfo Info { get; } = new("protocol-deviations", TrialCodes.Canon + "/OperationDefinition/protocol-deviations", ["ResearchSubject"]);

    public bool Accepts(string? type, string? id) => type == "ResearchSubject" && id is not null;

    public async Task<OperationResult> ExecuteAsync(OperationRequest request, CancellationToken ct)
    {
        var cutoff = DataCutoff.Resolve(request);
        var subject = await records.RequireAsync<ResearchSubject>(request.Id!, ct);
        var settings = await StudySettingsReader.ReadAsync(records, RecordReader.IdOf(subject.Study, "ResearchStudy"), ct);
        var record = await _gatherer.GatherAsync(subject, ct);

        var facts = ProtocolFactsMapper.Map(record, settings, cutoff);
        var deviations = facts is null ? [] : ProtocolDeviationDetector.Detect(facts, settings, cutoff);
        return OperationResult.Ok(DeviationParametersMapper.ToParameters(deviations).Echo(cutoff));
    }
}
