using FhirTrial.Trial.Fhir.Common;
using FhirTrial.Trial.Safety;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Safety;

/// <summary>Reads the CTCAE v5.0 term-to-SOC ConceptMap shipped in <c>profiles/</c> into <see cref="CtcaeTerms"/> (FHIR -> domain).</summary>
public static class CtcaeTermMap
{
    public const string Url = TrialCodes.Canon + "/ConceptMap/ctcae-v5-soc";

    /// <summary>Fails when the package lacks the map: a safety table silently all "Unmapped" would mislead.</summary>
    public static CtcaeTerms From(IEnumerable<Resource> packageResources)
    {
        var map = packageResources.OfType<ConceptMap>().FirstOrDefault(m => m.Url == Url)
                  ?? throw new InvalidOperationException($"The trial package has no ConceptMap {Url}.");
        return new CtcaeTerms(map.Group
            .SelectMany(g => g.Element)
            .Where(e => e.Code is { Length: > 0 } && e.Target.Count > 0)
            .Select(e => new CtcaeTerm(e.Code!, e.Display ?? e.Code!, e.Target[0].Code ?? "", e.Target[0].Display ?? "")));
    }
}
