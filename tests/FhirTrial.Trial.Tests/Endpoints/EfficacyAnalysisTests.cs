using FhirTrial.Trial.Endpoints;
using FhirTrial.Trial.Recist;
using FhirTrial.Trial.Settings;
using static FhirTrial.Trial.Tests.Endpoints.TimeToEventTests;

namespace FhirTrial.Trial.Tests.Endpoints;

/// <summary>The study-level endpoints over a small cohort, with each population as the contract names it.</summary>
public class EfficacyAnalysisTests
{
    private static readonly IReadOnlyList<SubjectOutcome> Cohort =
    [
        Subject(Response.CR, "42 84 126", firstResponse: "42") with { SubjectId = "cr" },
        Subject(Response.PR, "42 84 126", firstResponse: "42", pd: "126", lastAlive: "200") with { SubjectId = "pr" },
        Subject(Response.SD, "42 84", pd: "84", death: "150") with { SubjectId = "sd" },
        Subject(Response.PD, "42", pd: "42") with { SubjectId = "pd" },
        // Non-measurable only: treated, but outside the response-evaluable population.
        Subject(Response.NonCrNonPd, "42 84") with { SubjectId = "nm", Evaluable = false },
        SubjectOutcome.NotTreated("untreated"),
    ];

    [Fact]
    public void Populations_and_rates()
    {
        var result = EfficacyAnalysis.Evaluate(Cohort, StudySettings.Default);

        Assert.Equal((5, 4, 2), (result.Treated, result.Evaluable, result.Responders));
        Assert.Equal(0.5, result.ObjectiveResponseRate.Estimate);
        Assert.Equal(0.75, result.DiseaseControlRate.Estimate);
        Assert.Equal(0.0676, result.ObjectiveResponseRate.Lower!.Value, 4);
        Assert.Equal(0.9324, result.ObjectiveResponseRate.Upper!.Value, 4);
    }

    [Fact]
    public void Best_response_table_counts_the_evaluable_in_a_fixed_order()
    {
        var result = EfficacyAnalysis.Evaluate(Cohort, StudySettings.Default);

        Assert.Equal(["CR:1", "PR:1", "SD:1", "NON-CR/NON-PD:0", "PD:1", "NE:0"],
            result.BestOverallResponses.Select(c => $"{c.Response.ToCode()}:{c.Subjects}"));
    }

    [Fact]
    public void Each_time_to_event_endpoint_uses_its_population()
    {
        var result = EfficacyAnalysis.Evaluate(Cohort, StudySettings.Default);

        Assert.Equal((5, 3, 2), (result.ProgressionFreeSurvival.Subjects, result.ProgressionFreeSurvival.Events, result.ProgressionFreeSurvival.Censored));
        Assert.Equal((5, 1), (result.OverallSurvival.Subjects, result.OverallSurvival.Events));
        Assert.Equal((2, 1), (result.DurationOfResponse.Subjects, result.DurationOfResponse.Events));
        Assert.Equal((2, 2), (result.TimeToResponse.Subjects, result.TimeToResponse.Events));
        Assert.Equal(126, result.ProgressionFreeSurvival.Median); // S = 0.8 at 42, 0.6 at 84, 0.3 at 126
        Assert.Equal(42, result.TimeToResponse.Median);
    }

    [Fact]
    public void An_empty_study_has_no_rates_and_flat_curves()
    {
        var result = EfficacyAnalysis.Evaluate([], StudySettings.Default);

        Assert.Null(result.ObjectiveResponseRate.Estimate);
        Assert.Null(result.ProgressionFreeSurvival.Median);
    }
}
