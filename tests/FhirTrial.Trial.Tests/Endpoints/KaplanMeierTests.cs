using CsCheck;
using FhirTrial.Trial.Endpoints;

namespace FhirTrial.Trial.Tests.Endpoints;

/// <summary>Kaplan-Meier, Greenwood and Brookmeyer-Crowley, checked against the 6-MP leukaemia data (Freireich 1963, Gehan 1965).</summary>
public class KaplanMeierTests
{
    // Treatment arm; "+" marks a censored remission time (weeks).
    private const string SixMp = "6 6 6 6+ 7 9+ 10 10+ 11+ 13 16 17+ 19+ 20+ 22 23 25+ 32+ 32+ 34+ 35+";

    [Theory]
    //          time  at risk  events  survival  Greenwood SE (as published, e.g. R survfit)
    [InlineData(6,    21,      3,      0.857,    0.0764)]
    [InlineData(7,    17,      1,      0.807,    0.0869)]
    [InlineData(10,   15,      1,      0.753,    0.0963)]
    [InlineData(13,   12,      1,      0.690,    0.1068)]
    [InlineData(16,   11,      1,      0.627,    0.1141)]
    [InlineData(22,   7,       1,      0.538,    0.1282)]
    [InlineData(23,   6,       1,      0.448,    0.1346)]
    public void Six_mp_survival_and_Greenwood_standard_error(int time, int atRisk, int events, double survival, double standardError)
    {
        var point = KaplanMeier.Estimate(Parse(SixMp)).Curve.Single(p => p.Time == time);

        Assert.Equal(atRisk, point.AtRisk);
        Assert.Equal(events, point.Events);
        Assert.Equal(survival, point.Survival, 3);
        Assert.Equal(standardError, point.StandardError, 4);
    }

    [Theory]
    //          time  lower   upper   (95% log-log band as published, Stata sts list / R survfit conf.type = "log-log")
    [InlineData(6,    0.6197, 0.9516)]
    [InlineData(7,    0.5631, 0.9228)]
    [InlineData(13,   0.4316, 0.8491)]
    [InlineData(23,   0.1878, 0.6801)]
    public void Six_mp_pointwise_log_log_band(int time, double lower, double upper)
    {
        var point = KaplanMeier.Estimate(Parse(SixMp)).Curve.Single(p => p.Time == time);

        var band = KaplanMeier.PointwiseInterval(point);

        Assert.Equal(lower, band.Lower, 3);
        Assert.Equal(upper, band.Upper, 3);
    }

    [Fact]
    public void Before_the_first_event_the_band_is_the_point_itself()
    {
        var start = KaplanMeier.Estimate(Parse(SixMp)).Curve.First();
        Assert.Equal((1.0, 1.0), KaplanMeier.PointwiseInterval(start));
    }

    [Fact]
    public void Six_mp_median_is_23_with_log_log_interval_from_13_not_reached()
    {
        var estimate = KaplanMeier.Estimate(Parse(SixMp));

        Assert.Equal((21, 9, 12), (estimate.Subjects, estimate.Events, estimate.Censored));
        Assert.Equal(23, estimate.Median);
        Assert.Equal(13, estimate.MedianLower);
        Assert.Null(estimate.MedianUpper);
    }

    [Fact]
    public void The_curve_starts_at_one_with_everyone_at_risk_and_steps_at_every_time()
    {
        var curve = KaplanMeier.Estimate(Parse(SixMp)).Curve;

        Assert.Equal((0, 1.0, 21), (curve[0].Time, curve[0].Survival, curve[0].AtRisk));
        Assert.Equal([0, 6, 7, 9, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 34, 35], curve.Select(p => p.Time));
        Assert.Equal(0.448, curve[^1].Survival, 3); // censorings do not move the curve
    }

    [Fact]
    public void At_a_tied_time_events_come_before_censorings()
    {
        var estimate = KaplanMeier.Estimate(Parse("5 5+"));

        Assert.Equal(0.5, estimate.Curve.Single(p => p.Time == 5).Survival);
        Assert.Equal(5, estimate.Median); // S = 0.5 exactly counts as reached
    }

    [Fact]
    public void Median_is_not_reached_while_survival_stays_above_one_half()
    {
        var estimate = KaplanMeier.Estimate(Parse("3 8+ 9+ 12+"));

        Assert.Null(estimate.Median);
        Assert.Null(estimate.MedianUpper);
    }

    [Fact]
    public void When_everyone_has_the_event_the_curve_reaches_zero_and_the_upper_bound_is_not_reached()
    {
        // R: survfit(Surv(c(1, 2), c(1, 1)), conf.type = "log-log") gives median 1, LCL 1, UCL NA: at S = 0 the
        // log-log band is undefined, so the last step cannot close the interval.
        var estimate = KaplanMeier.Estimate(Parse("1 2"));

        Assert.Equal(0.0, estimate.Curve[^1].Survival);
        Assert.Equal((1, 1, (int?)null), (estimate.Median, estimate.MedianLower, estimate.MedianUpper));
    }

    [Fact]
    public void No_subjects_gives_a_flat_curve_and_no_median()
    {
        var estimate = KaplanMeier.Estimate([]);

        Assert.Equal(new SurvivalPoint(0, 1.0, 0, 0, 0, 0.0), Assert.Single(estimate.Curve));
        Assert.Null(estimate.Median);
    }

    [Fact]
    public void Survival_never_rises_and_stays_between_zero_and_one() =>
        Gen.Select(Gen.Int[0, 60], Gen.Bool).Array[0, 40].Sample(samples =>
        {
            var curve = KaplanMeier.Estimate(samples.Select((s, i) => new SurvivalSample($"s{i}", s.Item1, s.Item2)).ToList()).Curve;

            Assert.All(curve, p => Assert.InRange(p.Survival, 0.0, 1.0));
            Assert.All(curve.Zip(curve.Skip(1)), pair =>
            {
                Assert.True(pair.Second.Survival <= pair.First.Survival);
                Assert.True(pair.Second.AtRisk <= pair.First.AtRisk);
            });
        });

    internal static List<SurvivalSample> Parse(string times) =>
        times.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select((t, i) => new SurvivalSample($"s{i}", int.Parse(t.TrimEnd('+')), !t.EndsWith('+')))
            .ToList();
}
