using Fhir.Metrics;

namespace FhirTrial.Trial.Fhir.Common;

/// <summary>
/// Unit conversion through the UCUM library Fhir.Metrics (g/dL to g/L, 10*3/uL to 10*9/L, [lb_av] to kg, g to mg...).
/// </summary>
/// <remarks>
/// UCUM cannot turn a mass concentration into a substance concentration (mg/dL to umol/L): that needs the substance's
/// molar mass, which is chemistry, not a unit. Callers that know the analyte pass <c>molarMassGramsPerMole</c>; the
/// conversion then goes mass concentration -> g/L (UCUM) -> divide by the molar mass -> mol/L -> target (UCUM).
/// </remarks>
public static class UcumConversion
{
    /// <summary>Total bilirubin, C33H36N4O6.</summary>
    public const decimal BilirubinMolarMass = 584.66m;

    private static readonly IMetricService Metrics = FhirMetricService.Instance.Value;

    /// <summary>
    /// The value in <paramref name="targetUnit"/>, or null when the unit is unknown or of another dimension.
    /// A quantity without a system is read as UCUM (EHRs often leave it out); another system is refused.
    /// </summary>
    public static decimal? TryConvert(decimal value, string? system, string? unit, string targetUnit, decimal? molarMassGramsPerMole = null)
    {
        if (string.IsNullOrWhiteSpace(unit)) return null;
        if (system is not null && system != TrialCodes.Ucum) return null;
        unit = unit.Trim();
        if (unit == targetUnit) return value;

        if (Convert(value, unit, targetUnit) is { } direct) return direct;
        if (molarMassGramsPerMole is not { } molarMass || molarMass <= 0) return null;

        // Mass concentration to substance concentration.
        if (Convert(value, unit, "g/L") is { } gramsPerLitre && Convert(gramsPerLitre / molarMass, "mol/L", targetUnit) is { } toSubstance)
            return toSubstance;
        // Substance concentration to mass concentration.
        if (Convert(value, unit, "mol/L") is { } molesPerLitre && Convert(molesPerLitre * molarMass, "g/L", targetUnit) is { } toMass)
            return toMass;
        return null;
    }

    /// <summary>A FHIR Quantity in <paramref name="targetUnit"/> (by code, else by its human unit text).</summary>
    public static decimal? TryConvert(Hl7.Fhir.Model.Quantity? quantity, string targetUnit, decimal? molarMassGramsPerMole = null) =>
        quantity?.Value is { } value
            ? TryConvert(value, quantity.System, quantity.Code ?? quantity.Unit, targetUnit, molarMassGramsPerMole)
            : null;

    private static decimal? Convert(decimal value, string from, string to)
    {
        try
        {
            return Metrics.TryConvertTo((value, from, TrialCodes.Ucum), to, out var result) && result is { } r
                ? Math.Round(r.Item1, 10)
                : null;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or NotImplementedException
                                      or KeyNotFoundException or OverflowException)
        {
            // Fhir.Metrics throws on unit strings it cannot parse; to the caller that is simply "not convertible".
            return null;
        }
    }
}
