using FhirTrial.Fhir.Conformance;
using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Storage;
using FhirTrial.Trial.Eligibility;
using FhirTrial.Trial.Fhir.Common;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Eligibility;

/// <summary>
/// <c>GET Patient/{id}/$eligibility?study=ResearchStudy/{id}[&amp;date=YYYY-MM-DD]</c>: the study's enrollment Group
/// criteria evaluated against the patient's record on the date (default today).
/// </summary>
public sealed class EligibilityOperation(RecordReader records) : IFhirOperation
{
    private readonly PatientFactsGatherer _gatherer = new(records);

    public OperationInfo Info { get; } = new("eligibility", TrialCodes.Canon + "/OperationDefinition/eligibility", ["Patient"]);

    public bool Accepts(string? type, string? id) => type == "Patient" && id is not null;

    public async Task<OperationResult> ExecuteAsync(OperationRequest request, CancellationToken ct)
    {
        var studyId = StudyParameter.Require(request.Value("study"));
        var date = EvaluationDate.Resolve(request.Value("date"));

        var study = await records.RequireAsync<ResearchStudy>(studyId, ct);
        var criteria = EligibilityCriteriaMapper.ToCriteria(await EnrollmentGroupAsync(study, ct));
        var facts = await _gatherer.GatherFactsAsync(request.Id!, criteria, date, ct);
        var result = EligibilityEvaluator.Evaluate(facts, criteria, date);
        return OperationResult.Ok(EligibilityParametersMapper.ToParameters(result));
    }

    /// <summary>The first enrollment Group that exists; null (the contract's default criteria) when none does.</summary>
    private async Task<Group?> EnrollmentGroupAsync(ResearchStudy study, CancellationToken ct)
    {
        foreach (var enrollment in study.Enrollment)
            if (RecordReader.IdOf(enrollment, "Group") is { } groupId && await records.ReadAsync<Group>(groupId, ct) is { } group)
                return group;
        return null;
    }
}

/// <summary>The <c>study</c> input: <c>ResearchStudy/{id}</c>, a bare id, or a URL ending in <c>ResearchStudy/{id}</c>.</summary>
public static class StudyParameter
{
    public static string Require(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw FhirException.BadRequest("The 'study' parameter is required (e.g. study=ResearchStudy/ak104-rcc-2l).", "study");
        if (RecordReader.ReferenceKey(value) is { } key)
            return key.Type == "ResearchStudy" ? key.Id
                : throw FhirException.BadRequest($"'study' must reference a ResearchStudy, not {Wording.A(key.Type)}.", "study");
        if (!value.Contains('/')) return value;
        throw FhirException.BadRequest($"'{value}' is not a ResearchStudy reference.", "study");
    }
}
