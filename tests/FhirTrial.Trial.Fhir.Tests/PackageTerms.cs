using FhirTrial.Fhir.Validation;
using FhirTrial.Trial.Fhir.Safety;
using FhirTrial.Trial.Safety;

namespace FhirTrial.Trial.Fhir.Tests;

/// <summary>The CTCAE v5.0 terms of the shipped package, read once, as the server reads them.</summary>
public static class PackageTerms
{
    private static readonly Lazy<CtcaeTerms> Terms = new(() => CtcaeTermMap.From(TrialStore.Package.Resources));

    public static CtcaeTerms Ctcae => Terms.Value;
}
