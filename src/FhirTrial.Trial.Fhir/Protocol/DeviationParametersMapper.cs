using FhirTrial.Trial.Protocol;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Protocol;

/// <summary>Writes deviations as the <c>$protocol-deviations</c> Parameters of CONTRACT.md section 5 (domain -> FHIR).</summary>
public static class DeviationParametersMapper
{
    public static Parameters ToParameters(IEnumerable<Deviation> deviations)
    {
        var parameters = new Parameters();
        foreach (var deviation in deviations)
        {
            var parts = new List<Tuple<string, Base>>
            {
                Tuple.Create<string, Base>("kind", new Code(deviation.Kind)),
                Tuple.Create<string, Base>("date", new Date(deviation.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))),
                Tuple.Create<string, Base>("detail", new FhirString(deviation.Detail)),
            };
            parts.AddRange(deviation.Evidence.Select(e => Tuple.Create<string, Base>("evidence", new ResourceReference(e))));
            parameters.Add("deviation", parts);
        }
        return parameters;
    }
}
