using FhirTrial.Fhir.Conformance;
using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Errors;

namespace FhirTrial.Fhir.Export;

/// <summary>
/// <c>$export</c> as the CapabilityStatement lists it. The web layer answers it on its own routes (kick-off needs
/// 202 and <c>Content-Location</c>, which an operation result cannot carry), so this is reached only by a call those
/// routes do not take.
/// </summary>
public sealed class ExportOperation : IFhirOperation
{
    public const string Definition = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export";

    public OperationInfo Info { get; } = new("export", Definition, ["Patient", "Group"], System: true);

    public bool Accepts(string? type, string? id) => type is null || type == "Patient" && id is null || type == "Group" && id is not null;

    public Task<OperationResult> ExecuteAsync(OperationRequest request, CancellationToken ct)
        => throw FhirException.MethodNotAllowed("$export is kicked off with GET or POST and Prefer: respond-async.");
}
