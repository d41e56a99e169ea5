using MathNet.Numerics.Distributions;

namespace FhirTrial.Trial.Endpoints;

/// <summary>
/// The Kaplan-Meier product-limit estimator with Greenwood's variance. At a tied time events come before
/// censorings, so those censored at t are still at risk at t.
/// </summary>
public static class KaplanMeier
{
    // Products of ratios that are mathematically 0.5 may land a hair above it in floating point.
    private const double Tolerance = 1e-12;

    public static KaplanMeierEstimate Estimate(IReadOnlyList<SurvivalSample> samples, double confidence = 0.95)
    {
        if (samples.Any(s => s.Days < 0))
            throw new ArgumentOutOfRangeException(nameof(samples), "survival times cannot be negative");

        var curve = new List<SurvivalPoint>();
        var steps = new List<(int Time, double Survival, double GreenwoodSum)>();
        var atRisk = samples.Count;
        var survival = 1.0;
        var greenwoodSum = 0.0;

        if (samples.Count == 0 || samples.Min(s => s.Days) > 0)
            curve.Add(new SurvivalPoint(0, 1.0, atRisk, 0, 0, 0.0));

        foreach (var group in samples.GroupBy(s => s.Days).OrderBy(g => g.Key))
        {
            var events = group.Count(s => s.Event);
            var censored = group.Count() - events;
            if (events > 0)
            {
                survival *= 1.0 - (double)events / atRisk;
                greenwoodSum += events < atRisk ? (double)events / ((double)atRisk * (atRisk - events)) : double.PositiveInfinity;
                steps.Add((group.Key, survival, greenwoodSum));
            }

            var standardError = survival > 0 ? survival * Math.Sqrt(greenwoodSum) : 0.0;
            curve.Add(new SurvivalPoint(group.Key, survival, atRisk, events, censored, standardError));
            atRisk -= events + censored;
        }

        var median = steps.Where(s => s.Survival <= 0.5 + Tolerance).Select(s => (int?)s.Time).FirstOrDefault();
        var (lower, upper) = MedianInterval(steps, confidence);
        return new KaplanMeierEstimate(samples.Count, samples.Count(s => s.Event), samples.Count(s => !s.Event), curve, median, lower, upper);
    }

    /// <summary>
    /// Brookmeyer-Crowley: the times whose log-log transformed survival is not significantly different from 0.5,
    /// |(log(-log S(t)) - log(-log 0.5)) / se(t)| &lt;= z. Lower = first time in that set; upper = first time beyond it.
    /// </summary>
    private static (int? Lower, int? Upper) MedianInterval(List<(int Time, double Survival, double GreenwoodSum)> steps, double confidence)
    {
        var z = Normal.InvCDF(0, 1, 1 - (1 - confidence) / 2);
        var reference = Math.Log(-Math.Log(0.5));
        int? lower = null;
        foreach (var (time, survival, greenwoodSum) in steps)
        {
            // Where the curve reaches 0 the log-log band is undefined (as in R's survfit): such a step bounds nothing.
            if (survival <= 0) continue;
            var statistic = (Math.Log(-Math.Log(survival)) - reference) / LogLogStandardError(survival, greenwoodSum);
            if (lower is null && statistic >= -z - Tolerance)
                lower = time;
            if (lower is not null && statistic > z + Tolerance)
                return (lower, time);
        }

        return (lower, null);
    }

    /// <summary>
    /// The pointwise log-log ("exponential Greenwood") interval of S(t), as R's survfit(conf.type = "log-log"):
    /// S^exp(±z·se), se = Greenwood se(S) / (S·|log S|). It stays inside [0, 1]; at S = 1 (no event yet) and at S = 0
    /// the band is the point itself.
    /// </summary>
    public static (double Lower, double Upper) PointwiseInterval(SurvivalPoint point, double confidence = 0.95)
    {
        var survival = point.Survival;
        if (survival >= 1 - Tolerance || survival <= 0 || point.StandardError <= 0) return (survival, survival);
        var z = Normal.InvCDF(0, 1, 1 - (1 - confidence) / 2);
        var se = point.StandardError / (survival * Math.Abs(Math.Log(survival)));
        if (double.IsInfinity(se) || double.IsNaN(se)) return (0, 1);
        return (Math.Pow(survival, Math.Exp(z * se)), Math.Pow(survival, Math.Exp(-z * se)));
    }

    // Delta method: se of log(-log S) is sqrt(sum d/(n(n-d))) / |log S|.
    private static double LogLogStandardError(double survival, double greenwoodSum) =>
        Math.Sqrt(greenwoodSum) / Math.Abs(Math.Log(survival));
}
