using FhirTrial.Fhir.Conformance;
using FhirTrial.Fhir.Engine;
using FhirTrial.Trial.Endpoints;
using FhirTrial.Trial.Fhir.Common;

namespace FhirTrial.Trial.Fhir.Efficacy;

/// <summary><c>GET ResearchStudy/{id}/$efficacy[?cutoff=YYYY-MM-DD]</c>: ORR, DCR, PFS, OS, DOR, TTR and the best-response table (CONTRACT.md section 5).</summary>
public sealed class EfficacyOperation(StudyOutcomes outcomes) : IFhirOperation
{
    public OperationInfo Info { get; } = new("efficacy", TrialCodes.Canon + "/OperationDefinition/efficacy", ["ResearchStudy"]);

    public bool Accepts(string? type, string? id) => type == "ResearchStudy" && id is not null;

    public async Task<OperationResult> ExecuteAsync(OperationRequest request, CancellationToken ct)
    {
        var cutoff = DataCutoff.Resolve(request);
        var (subjects, settings) = await outcomes.EvaluateAsync(request.Id!, cutoff, ct);
        var result = EfficacyAnalysis.Evaluate(subjects.Select(s => s.Outcome).ToList(), settings);
        return OperationResult.Ok(EfficacyParametersMapper.ToParameters(result).Echo(cutoff));
    }
}
