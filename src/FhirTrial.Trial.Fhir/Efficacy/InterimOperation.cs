using FhirTrial.Fhir.Conformance;
using FhirTrial.Fhir.Engine;
using FhirTrial.Trial.Endpoints;
using FhirTrial.Trial.Fhir.Common;
using FhirTrial.Trial.Fhir.Recist;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Efficacy;

/// <summary>
/// <c>GET ResearchStudy/{id}/$interim[?cutoff=YYYY-MM-DD]</c>: the Simon two-stage standing and the design's operating
/// characteristics (CONTRACT.md section 5), with each subject still pending and why. The data are taken as they stood
/// at the cut-off (default today).
/// </summary>
public sealed class InterimOperation(StudyOutcomes outcomes) : IFhirOperation
{
    public OperationInfo Info { get; } = new("interim", TrialCodes.Canon + "/OperationDefinition/interim", ["ResearchStudy"]);

    public bool Accepts(string? type, string? id) => type == "ResearchStudy" && id is not null;

    public async Task<OperationResult> ExecuteAsync(OperationRequest request, CancellationToken ct)
    {
        var cutoff = DataCutoff.Resolve(request);
        var (subjects, settings) = await outcomes.EvaluateAsync(request.Id!, cutoff, ct);
        var design = SimonDesign.FromSettings(settings);
        var interim = SimonInterim.Decide(design, InterimStanding.InEnrollmentOrder(subjects, settings, cutoff));
        return OperationResult.Ok(ToParameters(interim, design.OperatingCharacteristics(settings.SimonP0, settings.SimonP1)).Echo(cutoff));
    }

    public static Parameters ToParameters(SimonInterim interim, SimonOperatingCharacteristics design)
    {
        var parameters = new Parameters();
        parameters.Add("stage", new Integer(interim.Stage));
        parameters.Add("stage1Evaluated", new Integer(interim.Stage1Evaluated));
        parameters.Add("stage1Responders", new Integer(interim.Stage1Responders));
        parameters.Add("responders", new Integer(interim.Responders));
        parameters.Add("decision", new Code(interim.Decision.ToCode()));
        parameters.Add("alpha", new FhirDecimal(EfficacyParametersMapper.Round(design.Alpha)));
        parameters.Add("power", new FhirDecimal(EfficacyParametersMapper.Round(design.Power)));
        parameters.Add("pet", new FhirDecimal(EfficacyParametersMapper.Round(design.EarlyTerminationProbability)));
        foreach (var reason in interim.Reasons)
            parameters.Add("reason", new FhirString(reason));
        foreach (var pending in interim.Pending)
        {
            parameters.Part("pending")
                .Part("subject", new ResourceReference("ResearchSubject/" + pending.SubjectId))
                .Part("reason", new FhirString(pending.Reason));
        }

        return parameters;
    }
}
