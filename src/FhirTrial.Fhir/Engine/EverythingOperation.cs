using FhirTrial.Fhir.Conformance;

namespace FhirTrial.Fhir.Engine;

/// <summary><c>Patient/{id}/$everything</c>.</summary>
public sealed class EverythingOperation(SearchService search) : IFhirOperation
{
    public OperationInfo Info { get; } = new("everything", "http://hl7.org/fhir/OperationDefinition/Patient-everything", ["Patient"]);

    public bool Accepts(string? type, string? id) => type == "Patient" && id is not null;

    public async Task<OperationResult> ExecuteAsync(OperationRequest request, CancellationToken ct)
        => OperationResult.Ok(await search.EverythingAsync(request.Id!, request.Query, request.Context, ct));
}
