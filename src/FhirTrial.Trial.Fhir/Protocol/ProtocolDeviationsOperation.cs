using FhirTrial.Fhir.Conformance;
using FhirTrial.Fhir.Engine;
using FhirTrial.Trial.Fhir.Common;
using FhirTrial.Trial.Protocol;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Protocol;

/// <summary>
/// <c>GET ResearchSubject/{id}/$protocol-deviations[?date=YYYY-MM-DD]</c>: dosing and assessment-schedule deviations
/// of the subject as of the date (default today), under its study's settings.
/// </summary>
public sealed class ProtocolDeviationsOperation(RecordReader records) : IFhirOperation
{
    private readonly ProtocolFactsGatherer _gatherer = new(records);

    public OperationInfo Info { get; } = new("protocol-deviations", TrialCodes.Canon + "/OperationDefinition/protocol-deviations", ["ResearchSubject"]);

    public bool Accepts(string? type, string? id) => type == "ResearchSubject" && id is not null;

    public async Task<OperationResult> ExecuteAsync(OperationRequest request, CancellationToken ct)
    {
        var date = EvaluationDate.Resolve(request.Value("date"));
        var subject = await records.RequireAsync<ResearchSubject>(request.Id!, ct);
        var settings = await StudySettingsReader.ReadAsync(records, RecordReader.IdOf(subject.Study, "ResearchStudy"), ct);
        var record = await _gatherer.GatherAsync(subject, ct);

        var facts = ProtocolFactsMapper.Map(record, settings, date);
        var deviations = facts is null ? [] : ProtocolDeviationDetector.Detect(facts, settings, date);
        return OperationResult.Ok(DeviationParametersMapper.ToParameters(deviations));
    }
}
