using FhirTrial.Fhir.Conformance;
using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Errors;
using FhirTrial.Trial.Fhir.Common;

namespace FhirTrial.Trial.Fhir.Recist;

/// <summary><c>GET|POST ResearchSubject/{id}/$recist-response[?persist=true][&amp;cutoff=YYYY-MM-DD]</c> (CONTRACT.md section 5).</summary>
public sealed class RecistResponseOperation(RecistResponseHandler handler) : IFhirOperation
{
    public OperationInfo Info { get; } = new("recist-response", TrialCodes.Canon + "/OperationDefinition/recist-response", ["ResearchSubject"]);

    public bool Accepts(string? type, string? id) => type == "ResearchSubject" && id is not null;

    public async Task<OperationResult> ExecuteAsync(OperationRequest request, CancellationToken ct)
    {
        var persist = request.Value("persist") switch
        {
            null or "false" => false,
            "true" => true,
            var other => throw FhirException.BadRequest($"'persist' must be true or false, not '{other}'."),
        };
        // Storing is a change of state, which GET must never make.
        if (persist && request.Method != "POST")
            throw FhirException.BadRequest("persist=true needs POST: GET only computes the responses.");
        return OperationResult.Ok(await handler.HandleAsync(request.Id!, persist, DataCutoff.Resolve(request), ct));
    }
}
