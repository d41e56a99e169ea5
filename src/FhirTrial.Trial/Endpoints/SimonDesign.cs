using FhirTrial.Trial.Settings;
using MathNet.Numerics.Distributions;

namespace FhirTrial.Trial.Endpoints;

/// <summary>The design's error rates and early-stopping behaviour at the null and target response rates.</summary>
public sealed record SimonOperatingCharacteristics(double Alpha, double Power, double EarlyTerminationProbability, double ExpectedSampleSizeUnderNull);

/// <summary>
/// Simon's two-stage design: stop after <see cref="N1"/> subjects with at most <see cref="R1"/> responses; otherwise
/// go on to <see cref="N"/> and call the treatment promising with more than <see cref="R"/> responses.
/// </summary>
public sealed record SimonDesign(int N1, int R1, int N, int R)
{
    public static SimonDesign FromSettings(StudySettings settings) => new(settings.SimonN1, settings.SimonR1, settings.SimonN, settings.SimonR);

    public SimonOperatingCharacteristics OperatingCharacteristics(double p0, double p1) =>
        new(ProbabilityPromising(p0), ProbabilityPromising(p1), ProbabilityOfEarlyTermination(p0), ExpectedSampleSize(p0));

    /// <summary>P(X1 &lt;= r1) with X1 ~ Bin(n1, p).</summary>
    public double ProbabilityOfEarlyTermination(double p) => Binomial.CDF(p, N1, R1);

    /// <summary>P(X1 &gt; r1 and X1 + X2 &gt; r): alpha at p0, power at p1.</summary>
    public double ProbabilityPromising(double p)
    {
        var total = 0.0;
        for (var x1 = R1 + 1; x1 <= N1; x1++)
        {
            // X2 ~ Bin(n - n1, p) must exceed r - x1.
            var needed = R - x1;
            var enough = needed < 0 ? 1.0 : 1.0 - Binomial.CDF(p, N - N1, needed);
            total += Binomial.PMF(p, N1, x1) * enough;
        }

        return total;
    }

    public double ExpectedSampleSize(double p) => N1 + (1 - ProbabilityOfEarlyTermination(p)) * (N - N1);
}
