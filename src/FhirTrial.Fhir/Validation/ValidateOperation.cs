using FhirTrial.Fhir.Conformance;
using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Serialization;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Validation;

/// <summary><c>[type]/$validate</c> and <c>[type]/[id]/$validate</c>: the base spec and the trial profiles, offline.</summary>
public sealed class ValidateOperation(ProfileValidationService validation, ResourceService resources) : IFhirOperation
{
    public OperationInfo Info { get; } = new("validate", "http://hl7.org/fhir/OperationDefinition/Resource-validate",
        Hl7.Fhir.Model.ModelInfo.SupportedResources.ToList());

    public bool Accepts(string? type, string? id) => type is not null;

    public async Task<OperationResult> ExecuteAsync(OperationRequest request, CancellationToken ct)
    {
        var body = request.Body;
        var mode = request.Value("mode");
        var profile = request.Value("profile");
        var resource = body is Parameters p ? p.Parameter.FirstOrDefault(x => x.Name == "resource")?.Resource : body;
        if (mode is not (null or "create" or "update" or "delete"))
            throw FhirException.BadRequest($"mode '{mode}' is not one of create, update, delete.");

        if (mode == "delete")
        {
            if (request.Id is null) throw FhirException.BadRequest("mode=delete validates an existing instance: call [type]/[id]/$validate.");
            await resources.ReadAsync(request.Type!, request.Id, ct);
            return OperationResult.Ok(Outcomes.Information($"{request.Type}/{request.Id} may be deleted."));
        }
        if (resource is null && request.Id is not null)
            resource = FhirSerializer.ParseJson((await resources.ReadAsync(request.Type!, request.Id, ct)).Json);
        if (resource is null) throw FhirException.BadRequest("$validate needs a resource in the body (or a Parameters with a 'resource' part).");
        if (resource.TypeName != request.Type) throw FhirException.BadRequest($"The resource is {Errors.Wording.A(resource.TypeName)}, not {Errors.Wording.A(request.Type)}.");
        if (mode == "update" && resource.Id is null) throw FhirException.BadRequest("mode=update needs the resource id.", $"{resource.TypeName}.id");
        if (mode == "create" && request.Id is not null) throw FhirException.BadRequest("mode=create validates a new resource: call [type]/$validate.");

        var outcome = await validation.ValidateAsync(resource, profile, ct);
        if (outcome.Issue.Count == 0) outcome.Issue.Add(Outcomes.Information("No issues found.").Issue[0]);
        return OperationResult.Ok(outcome);
    }
}
