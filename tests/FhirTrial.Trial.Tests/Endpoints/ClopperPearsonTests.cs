using FhirTrial.Trial.Endpoints;

namespace FhirTrial.Trial.Tests.Endpoints;

/// <summary>Exact 95% intervals, checked against values from the binomial tail definition.</summary>
public class ClopperPearsonTests
{
    [Theory]
    [InlineData(0, 10, 0.0, 0.0, 0.308497)]
    [InlineData(10, 10, 1.0, 0.691503, 1.0)]
    [InlineData(5, 28, 0.178571, 0.060643, 0.368933)]
    [InlineData(2, 12, 0.166667, 0.020863, 0.484138)]
    [InlineData(7, 20, 0.35, 0.153909, 0.592189)]
    [InlineData(1, 1, 1.0, 0.025, 1.0)]
    [InlineData(0, 1, 0.0, 0.0, 0.975)]
    public void Exact_interval(int responders, int evaluable, double estimate, double lower, double upper)
    {
        var rate = BinomialProportion.ClopperPearson(responders, evaluable);

        Assert.Equal(estimate, rate.Estimate!.Value, 5);
        Assert.Equal(lower, rate.Lower!.Value, 5);
        Assert.Equal(upper, rate.Upper!.Value, 5);
    }

    [Fact]
    public void No_evaluable_subjects_gives_no_rate()
    {
        var rate = BinomialProportion.ClopperPearson(0, 0);

        Assert.Null(rate.Estimate);
        Assert.Null(rate.Lower);
        Assert.Null(rate.Upper);
    }

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(11, 10)]
    public void Impossible_counts_are_refused(int responders, int evaluable) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => BinomialProportion.ClopperPearson(responders, evaluable));
}
