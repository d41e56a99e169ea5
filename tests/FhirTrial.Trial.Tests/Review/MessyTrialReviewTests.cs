using FhirTrial.Trial.Recist;
using FhirTrial.Trial.Tests.Recist;
using static FhirTrial.Trial.Tests.Recist.RecistScenario;

namespace FhirTrial.Trial.Tests.Review;

/// <summary>
/// Review of trial answers on messy real-world data (review-trial branch). Each failing test is a wrong answer found in
/// review, marked <c>// FAILS:</c> with expected vs actual and the rule's source. Day 0 = first dose.
/// </summary>
public class MessyTrialReviewTests
{
    // FAILS: expected BOR SD (day-42 PR unconfirmed: the day-84 assessment is PD), actual BOR PR "confirmed by CR/PR
    // 2024-05-24", the very day of the PD. RECIST 1.1 section 4.4 (confirmation needs a later CR/PR, and nothing from
    // the PD assessment on counts) and CONTRACT section 4 (BOR counts time points up to the first PD). The CT report came
    // without an encounter, the non-target read with one, so TimePointGrouping made two time points on the same date,
    // PR (key "date:") sorted before PD (key "group:").
    [Fact]
    public void A_pr_on_the_same_day_as_the_pd_does_not_confirm_a_response()
    {
        var result = new RecistScenario().Target("T1").NonTarget("NT1")
            .Scan(-5, 50).Status(-5, "NT1", NonTargetStatus.Present)
            .Scan(42, 30).Status(42, "NT1", NonTargetStatus.Present)
            .Scan(84, 30).Status(84, "NT1", NonTargetStatus.UnequivocalProgression, encounter: "E2")
            .Evaluate();

        Assert.Equal(Day(84), result.ProgressionDate);
        Assert.Equal(Response.SD, result.BestOverallResponse);
        Assert.Null(result.FirstResponseDate);
    }

    // FAILS: expected BOR CR (targets 0 mm on days 42 and 84, the only non-target absent on the bone scans two days
    // later), actual PR: the CT and the bone scan of one assessment make two time points (target CR + non-target NE = PR,
    // then target NE = NE), so a CR can never be reached when a subject's scans are not on one day or in one encounter.
    // RECIST 1.1 section 4.3 / table 1 (one overall response per assessment from all its lesions; section 3.2: an
    // assessment's scans are taken within its window); CONTRACT section 3 groups by encounter or calendar date, which
    // is the rule at fault (TimePointGrouping.Group).
    [Fact]
    public void A_ct_and_bone_scan_two_days_apart_are_one_assessment()
    {
        var result = new RecistScenario().Target("T1").NonTarget("NT1")
            .Scan(-5, 30).Status(-5, "NT1", NonTargetStatus.Present)
            .Scan(42, 0).Status(44, "NT1", NonTargetStatus.Absent)
            .Scan(84, 0).Status(86, "NT1", NonTargetStatus.Absent)
            .Evaluate();

        Assert.Equal(Response.CR, result.BestOverallResponse);
        Assert.Equal(2, result.TimePoints.Count);
    }
}
