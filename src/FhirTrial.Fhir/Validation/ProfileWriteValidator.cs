using System.Net;
using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Errors;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Validation;

/// <summary>Refuses a write (422) when the resource claims a trial profile it does not meet; other resources pass unchecked.</summary>
public sealed class ProfileWriteValidator(ProfileValidationService validation) : IWriteValidator
{
    // Only claimed trial profiles are enforced on write: the EHR's other data is accepted as sent.
    public bool Checks(Resource resource) => ProfileValidationService.ClaimsTrialProfile(resource);

    public async Task ValidateAsync(Resource resource, CancellationToken ct)
    {
        if (!Checks(resource)) return;
        var outcome = await validation.ValidateAsync(resource, null, ct);
        if (outcome.HasErrors()) throw new FhirException(HttpStatusCode.UnprocessableEntity, outcome);
    }
}
