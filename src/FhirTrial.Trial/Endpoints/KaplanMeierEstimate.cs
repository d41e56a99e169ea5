namespace FhirTrial.Trial.Endpoints;

/// <summary>One step of a Kaplan-Meier curve: survival just after Time, with those at risk just before it.</summary>
public sealed record SurvivalPoint(int Time, double Survival, int AtRisk, int Events, int Censored, double StandardError);

/// <summary>
/// A Kaplan-Meier estimate: the curve, event and censoring counts, and the median survival with its
/// Brookmeyer-Crowley (log-log) interval. Median and bounds are null when not reached.
/// </summary>
public sealed record KaplanMeierEstimate(
    int Subjects,
    int Events,
    int Censored,
    IReadOnlyList<SurvivalPoint> Curve,
    int? Median,
    int? MedianLower,
    int? MedianUpper);
