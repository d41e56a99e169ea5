using Fhir.Metrics;

namespace FhirTrial.Fhir.Terminology;

/// <summary>UCUM, a grammar rather than a list: a unit is valid when Fhir.Metrics parses it; its canonical form is the
/// unit in base units, which $lookup gives as a property.</summary>
public static class UcumCodes
{
    public const string System = "http://unitsofmeasure.org";

    /// <summary>The implicit value set of all UCUM units.</summary>
    public const string AllUnits = "http://hl7.org/fhir/ValueSet/ucum-units";

    private static readonly IMetricService Metrics = FhirMetricService.Instance.Value;

    /// <summary>The unit in base units (<c>mm</c> -> <c>m</c>), or null when it is not a UCUM unit.</summary>
    public static string? Canonical(string? code)
    {
        if (string.IsNullOrWhiteSpace(code) || code.Trim() != code) return null;
        try
        {
            return Metrics.TryCanonicalize((1m, code, System), out var canonical) && canonical is { } c ? c.Item2 : null;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or NotImplementedException
                                      or KeyNotFoundException or OverflowException)
        {
            return null; // Fhir.Metrics throws on strings it cannot parse: not a unit
        }
    }

    public static bool IsValid(string? code) => Canonical(code) is not null;
}
