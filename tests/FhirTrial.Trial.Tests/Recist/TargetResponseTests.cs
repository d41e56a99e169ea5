using System.Globalization;
using FhirTrial.Trial.Recist;

namespace FhirTrial.Trial.Tests.Recist;

/// <summary>
/// Target response rules. Targets are written "T:30 N:12 T:-": T non-nodal, N a node (short axis), "-" not assessed.
/// </summary>
public class TargetResponseTests
{
    [Theory]
    // PD: +20% over the nadir and +5 mm, both needed
    [InlineData("T:18 T:12", 50, 25, "PD")] // sum 30 = exactly 1.2 x 25 and exactly +5 mm
    [InlineData("T:30 T:29.95", 50, 50, "SD")] // 59.95 = +19.9%
    [InlineData("T:30 T:30", 50, 50, "PD")] // 60 = +20%, +10 mm
    [InlineData("T:14", 15, 10, "SD")] // +40% but only +4 mm
    [InlineData("T:15", 15, 10, "PD")] // +50% and +5 mm
    [InlineData("T:36", 50, 30, "PD")] // progression is measured from the nadir even while below baseline
    // PD also when targets are missing but the measured ones alone reach it
    [InlineData("T:40 T:-", 50, 30, "PD")]
    [InlineData("T:20 T:-", 50, 30, "NE")]
    [InlineData("T:- T:-", 50, 30, "NE")]
    [InlineData("T:0 T:-", 50, 30, "NE")] // one gone does not make CR while another is unknown
    // CR: every non-nodal 0 and every node < 10 mm
    [InlineData("T:0 T:0", 50, 50, "CR")]
    [InlineData("T:0 N:9.9", 50, 50, "CR")] // sum 9.9 is not 0, yet CR
    [InlineData("T:0 N:10", 50, 50, "PR")] // node at 10 mm is not normal
    [InlineData("N:10", 20, 20, "PR")] // not CR, but 10 <= 0.7 x 20
    [InlineData("N:15", 20, 20, "SD")]
    [InlineData("N:9", 20, 9, "CR")]
    // 0 = disappeared, 5 = too small to measure: 5 counts as 5
    [InlineData("T:5 T:0", 50, 50, "PR")]
    [InlineData("T:0 N:5", 50, 50, "CR")]
    [InlineData("T:5", 30, 0, "PD")] // reappearance after CR: +5 mm over a nadir of 0
    [InlineData("T:4", 30, 0, "PR")] // +4 mm over a nadir of 0 is not progression
    // PR: at most 70% of the baseline sum
    [InlineData("T:35", 50, 50, "PR")] // exactly -30%
    [InlineData("T:35.1", 50, 50, "SD")]
    [InlineData("T:50", 50, 50, "SD")]
    [InlineData("T:55", 50, 50, "SD")] // +10%
    // NA: no targets at baseline
    [InlineData("", 0, 0, "NA")]
    public void Target_response(string targets, double baselineSum, double nadir, string expected)
    {
        var verdict = TargetResponse.Evaluate(Parse(targets), (decimal)baselineSum, (decimal)nadir);

        Assert.Equal(expected, verdict.Response.ToCode());
        Assert.NotEmpty(verdict.Reasons);
    }

    [Theory]
    [InlineData("T:20 T:14", 34.0, true)]
    [InlineData("T:40 T:-", 40.0, false)] // partial sum reported because it proves PD
    [InlineData("T:20 T:-", null, false)] // partial sum withheld: it would understate the disease
    public void Sum_is_reported_when_it_means_something(string targets, double? expectedSum, bool complete)
    {
        var verdict = TargetResponse.Evaluate(Parse(targets), 50m, 30m);

        Assert.Equal(expectedSum is null ? null : (decimal)expectedSum, verdict.Sum);
        Assert.Equal(complete, verdict.IsCompleteSum);
    }

    [Fact]
    public void Reasons_name_the_missing_lesion()
    {
        var verdict = TargetResponse.Evaluate(Parse("T:20 T:-"), 50m, 30m);

        Assert.Contains(verdict.Reasons, r => r.Contains("L2"));
    }

    internal static List<TargetLesionValue> Parse(string targets) =>
        targets.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select((token, i) =>
            {
                var (kind, value) = (token[..1], token[2..]);
                decimal? mm = value == "-" ? null : decimal.Parse(value, CultureInfo.InvariantCulture);
                return new TargetLesionValue($"L{i + 1}", kind == "N", mm);
            })
            .ToList();
}
