using FhirTrial.Trial.Recist;
using FhirTrial.Trial.Settings;

namespace FhirTrial.Trial.Tests.Recist;

/// <summary>
/// Confirmed best overall response. Time points are written "day:response" in study days (day 0 = first dose);
/// expected dates are study days, "-" for none.
/// </summary>
public class BestOverallResponseTests
{
    [Theory]
    // confirmation needs 28 days
    [InlineData("42:PR 69:PR", "SD", "-", "-")] // 27 days: unconfirmed, but SD from day 42
    [InlineData("42:PR 70:PR", "PR", "42", "-")] // 28 days
    [InlineData("42:CR 70:CR", "CR", "42", "-")]
    [InlineData("42:CR 69:CR 84:PR", "PR", "42", "-")] // CR-CR only 27 days apart; CR/PR pair confirms PR
    [InlineData("42:PR 84:CR 126:CR", "CR", "42", "-")] // first response date is the first PR
    [InlineData("42:CR 84:PR", "PR", "42", "-")]
    [InlineData("42:PR 84:NE 126:PR", "PR", "42", "-")] // NE between does not break it
    [InlineData("42:PR 84:SD 126:PR", "PR", "42", "-")] // nor SD
    [InlineData("42:SD 84:PR 126:PR", "PR", "84", "-")]
    // PD ends the window
    [InlineData("42:PR 84:PD", "SD", "-", "84")] // PD after an unconfirmed PR
    [InlineData("42:PR 84:PD 126:PR", "SD", "-", "84")] // nothing after the first PD counts
    [InlineData("42:PR 70:PR 84:PD", "PR", "42", "84")]
    [InlineData("7:PR 35:PR 42:PD", "PR", "7", "42")] // a response from before day 35 confirms too
    [InlineData("14:PR 30:PR 42:PD", "PD", "-", "42")] // 16 days apart and too early for SD
    // SD needs 35 days after first dose
    [InlineData("34:SD", "NE", "-", "-")]
    [InlineData("35:SD", "SD", "-", "-")]
    [InlineData("34:SD 42:PD", "PD", "-", "42")]
    [InlineData("35:SD 42:PD", "SD", "-", "42")]
    [InlineData("20:PR 34:PR", "NE", "-", "-")] // an unconfirmed PR before day 35 is not even SD
    [InlineData("20:PR 34:NE 42:NE", "NE", "-", "-")]
    [InlineData("42:NON-CR/NON-PD", "SD", "-", "-")] // with target disease the stable category is SD
    // PD and NE
    [InlineData("42:PD", "PD", "-", "42")]
    [InlineData("42:NE 84:PD", "PD", "-", "84")]
    [InlineData("42:NE 84:NE", "NE", "-", "-")]
    [InlineData("", "NE", "-", "-")]
    public void Best_overall_response(string timePoints, string expected, string firstResponseDay, string progressionDay)
    {
        var best = Evaluate(timePoints, hasTargetDisease: true);

        Assert.Equal(expected, best.Response.ToCode());
        Assert.Equal(DayOrNull(firstResponseDay), best.FirstResponseDate);
        Assert.Equal(DayOrNull(progressionDay), best.ProgressionDate);
        Assert.NotEmpty(best.Reasons);
    }

    [Theory]
    [InlineData("42:NON-CR/NON-PD 84:NON-CR/NON-PD", "NON-CR/NON-PD")]
    [InlineData("42:CR 56:NON-CR/NON-PD", "NON-CR/NON-PD")] // unconfirmed CR of non-measurable disease
    [InlineData("42:CR 84:CR", "CR")]
    [InlineData("30:NON-CR/NON-PD 42:PD", "PD")]
    public void Non_measurable_only_disease(string timePoints, string expected) =>
        Assert.Equal(expected, Evaluate(timePoints, hasTargetDisease: false).Response.ToCode());

    [Fact]
    public void Confirmation_interval_and_SD_minimum_are_study_settings()
    {
        var settings = StudySettings.Default with { ConfirmationIntervalDays = 21, SdMinimumDays = 50 };

        Assert.Equal(Response.PR, Evaluate("42:PR 63:PR", true, settings).Response);
        Assert.Equal(Response.NE, Evaluate("42:SD", true, settings).Response);
    }

    private static BestOverallResponse Evaluate(string timePoints, bool hasTargetDisease, StudySettings? settings = null)
    {
        var parsed = timePoints.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(tp => tp.Split(':', 2))
            .Select(p => (RecistScenario.Day(int.Parse(p[0])), ResponseCodes.Parse(p[1])))
            .ToList();
        return BestOverallResponse.Evaluate(parsed, RecistScenario.FirstDose, hasTargetDisease, settings ?? StudySettings.Default);
    }

    private static DateOnly? DayOrNull(string day) => day == "-" ? null : RecistScenario.Day(int.Parse(day));
}
