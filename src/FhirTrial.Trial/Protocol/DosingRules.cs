using FhirTrial.Trial.Settings;

namespace FhirTrial.Trial.Protocol;

/// <summary>The protocol's weight-based doses (CONTRACT.md section 4 "Dosing").</summary>
public static class DosingRules
{
    /// <summary>The latest body weight on or before the day; null when none is recorded yet.</summary>
    public static WeightFact? LatestWeightOnOrBefore(IEnumerable<WeightFact> weights, DateOnly day) =>
        weights.Where(w => w.Date <= day).OrderBy(w => w.Date).LastOrDefault();

    public static decimal LenvatinibStartDoseMg(decimal weightKg, StudySettings settings) =>
        weightKg >= settings.WeightThresholdKg ? settings.LenvatinibHighDoseMg : settings.LenvatinibLowDoseMg;

    public static decimal CadonilimabDoseMg(decimal weightKg, StudySettings settings) =>
        weightKg * settings.CadonilimabMgPerKg;

    /// <summary>Within the tolerance of the weight-based dose, the bounds included.</summary>
    public static bool IsCadonilimabDoseWithinTolerance(decimal givenMg, decimal weightKg, StudySettings settings)
    {
        var expected = CadonilimabDoseMg(weightKg, settings);
        return Math.Abs(givenMg - expected) <= expected * settings.CadonilimabDoseTolerance;
    }

    /// <summary>The interval deviation kind for a dose given this many days after the previous one, or null when on time.</summary>
    public static string? CadonilimabIntervalDeviation(int daysSincePreviousDose, StudySettings settings) =>
        daysSincePreviousDose < settings.CadonilimabEarliestDay ? DeviationKinds.CadonilimabInterval
        : daysSincePreviousDose > settings.CadonilimabLatestDay ? DeviationKinds.CadonilimabDelay
        : null;
}
