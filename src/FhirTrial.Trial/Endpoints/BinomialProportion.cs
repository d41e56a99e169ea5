using MathNet.Numerics.Distributions;

namespace FhirTrial.Trial.Endpoints;

/// <summary>A rate with its exact (Clopper-Pearson) confidence interval; all null when there are no trials.</summary>
public sealed record BinomialProportion(int Successes, int Trials, double? Estimate, double? Lower, double? Upper)
{
    /// <summary>The exact interval from Beta quantiles; the bound at 0 successes is 0 and at n successes is 1.</summary>
    public static BinomialProportion ClopperPearson(int successes, int trials, double confidence = 0.95)
    {
        if (trials < 0 || successes < 0 || successes > trials)
            throw new ArgumentOutOfRangeException(nameof(successes), $"{successes} of {trials} is not a proportion");
        if (trials == 0)
            return new(0, 0, null, null, null);

        var tail = (1 - confidence) / 2;
        var lower = successes == 0 ? 0.0 : Beta.InvCDF(successes, trials - successes + 1, tail);
        var upper = successes == trials ? 1.0 : Beta.InvCDF(successes + 1, trials - successes, 1 - tail);
        return new(successes, trials, (double)successes / trials, lower, upper);
    }
}
