using FhirTrial.Trial.Eligibility;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Eligibility;

/// <summary>Writes an <see cref="EligibilityResult"/> as the <c>$eligibility</c> Parameters of CONTRACT.md section 5 (domain -> FHIR).</summary>
public static class EligibilityParametersMapper
{
    public static Parameters ToParameters(EligibilityResult result)
    {
        var parameters = new Parameters();
        parameters.Add("outcome", new Code(result.Outcome.ToCode()));
        foreach (var criterion in result.Criteria)
        {
            var parts = new List<Tuple<string, Base>>
            {
                Tuple.Create<string, Base>("id", new FhirString(criterion.Id)),
                Tuple.Create<string, Base>("status", new Code(criterion.Status.ToCode())),
            };
            parts.AddRange(criterion.Evidence.Select(e => Tuple.Create<string, Base>("evidence", new ResourceReference(e))));
            if (!string.IsNullOrEmpty(criterion.Reason))
                parts.Add(Tuple.Create<string, Base>("reason", new FhirString(criterion.Reason)));
            parameters.Add("criterion", parts);
        }
        return parameters;
    }
}
