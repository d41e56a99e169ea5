using FhirTrial.Trial.Endpoints;
using FhirTrial.Trial.Settings;

namespace FhirTrial.Trial.Tests.Endpoints;

/// <summary>The study's Simon design reproduces its published operating characteristics.</summary>
public class SimonDesignTests
{
    [Fact]
    public void Study_design_12_1_28_5_at_p0_0_10_and_p1_0_30()
    {
        var settings = StudySettings.Default;
        var design = SimonDesign.FromSettings(settings);

        var oc = design.OperatingCharacteristics(settings.SimonP0, settings.SimonP1);

        Assert.Equal(new SimonDesign(12, 1, 28, 5), design);
        Assert.Equal(0.0477, oc.Alpha, 4);
        Assert.Equal(0.843, oc.Power, 3);
        Assert.Equal(0.659, oc.EarlyTerminationProbability, 3);
        Assert.Equal(17.46, oc.ExpectedSampleSizeUnderNull, 2);
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(1.0, 1.0)]
    public void Certain_outcomes_at_the_extremes(double p, double promising) =>
        Assert.Equal(promising, new SimonDesign(12, 1, 28, 5).ProbabilityPromising(p), 10);

    [Fact]
    public void Single_stage_design_is_a_binomial_tail()
    {
        // n1 = n and r1 = -1 leaves only the final test: P(X > 5) for X ~ Bin(28, 0.1).
        var design = new SimonDesign(28, -1, 28, 5);

        Assert.Equal(0.0, design.ProbabilityOfEarlyTermination(0.1), 10);
        Assert.Equal(0.0550, design.ProbabilityPromising(0.1), 4);
    }
}
