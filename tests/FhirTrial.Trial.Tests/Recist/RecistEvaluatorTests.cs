using FhirTrial.Trial.Recist;
using FhirTrial.Trial.Settings;
using static FhirTrial.Trial.Tests.Recist.RecistScenario;

namespace FhirTrial.Trial.Tests.Recist;

/// <summary>Whole-subject RECIST evaluations, as worked examples.</summary>
public class RecistEvaluatorTests
{
    [Fact]
    public void Worked_example_partial_response_confirmed_at_day_84()
    {
        var result = new RecistScenario().Target("T1").Target("T2")
            .Scan(-4, 30, 20)
            .Scan(42, 20, 14)
            .Scan(84, 20, 13)
            .Evaluate();

        Assert.Equal(Day(-4), result.BaselineDate);
        Assert.Equal(50m, result.BaselineSum);
        Assert.Collection(result.TimePoints,
            day42 =>
            {
                Assert.Equal(Day(42), day42.Date);
                Assert.Equal(34m, day42.TargetSum);
                Assert.Equal(-32.0m, day42.ChangeFromBaseline);
                Assert.Equal(-32.0m, day42.ChangeFromNadir);
                Assert.Equal((Response.PR, Response.NA, Response.PR), (day42.TargetResponse, day42.NonTargetResponse, day42.OverallResponse));
                Assert.False(day42.NewLesion);
            },
            day84 =>
            {
                Assert.Equal(33m, day84.TargetSum);
                Assert.Equal(-34.0m, day84.ChangeFromBaseline);
                Assert.Equal(-2.9m, day84.ChangeFromNadir); // nadir 34 from day 42
                Assert.Equal(Response.PR, day84.OverallResponse);
            });
        Assert.Equal(Response.PR, result.BestOverallResponse);
        Assert.Equal(Day(42), result.FirstResponseDate);
        Assert.Null(result.ProgressionDate);
        Assert.True(result.HasMeasurableBaseline);
    }

    [Fact]
    public void Evidence_ids_come_with_each_time_point_and_the_baseline()
    {
        var result = new RecistScenario().Target("T1").NonTarget("NT1")
            .Scan(-4, 30).Status(-4, "NT1", NonTargetStatus.Present)
            .Scan(42, 20).Status(42, "NT1", NonTargetStatus.Present)
            .Evaluate();

        Assert.Equal(["size-T1-d-4", "status-NT1-d-4"], result.BaselineEvidenceIds);
        Assert.Equal(["size-T1-d42", "status-NT1-d42"], result.TimePoints.Single().EvidenceIds);
    }

    [Theory]
    [InlineData(-28, true)]
    [InlineData(-29, false)]
    [InlineData(0, true)] // on the day of first dose
    public void Baseline_must_lie_within_28_days_before_first_dose(int scanDay, bool hasBaseline)
    {
        var result = new RecistScenario().Target("T1").Scan(scanDay, 30).Scan(42, 20).Scan(84, 20).Evaluate();

        Assert.Equal(hasBaseline, result.BaselineDate is not null);
        if (!hasBaseline)
        {
            Assert.Empty(result.TimePoints);
            Assert.Equal(Response.NE, result.BestOverallResponse);
            Assert.Contains(result.Reasons, r => r.Contains("more than 28 days"));
        }
    }

    [Fact]
    public void No_scan_before_first_dose_means_no_baseline()
    {
        var result = new RecistScenario().Target("T1").Scan(42, 20).Evaluate();

        Assert.Null(result.BaselineDate);
        Assert.Equal(Response.NE, result.BestOverallResponse);
        Assert.Contains(result.Reasons, r => r.Contains("no assessment on or before first dose"));
    }

    [Fact]
    public void Baseline_is_the_last_scan_before_first_dose()
    {
        var result = new RecistScenario().Target("T1").Scan(-20, 40).Scan(-3, 30).Scan(42, 20).Evaluate();

        Assert.Equal(Day(-3), result.BaselineDate);
        Assert.Equal(30m, result.BaselineSum);
    }

    [Fact]
    public void Observations_of_one_encounter_form_one_time_point_dated_by_the_earliest()
    {
        var result = new RecistScenario().Target("T1").Target("T2")
            .Scan(-4, 30, 20)
            .ScanIn("enc-1", 41, 20).ScanIn("enc-1", 43, null, 14)
            .Evaluate();

        var timePoint = Assert.Single(result.TimePoints);
        Assert.Equal(Day(41), timePoint.Date);
        Assert.Equal(34m, timePoint.TargetSum);
    }

    [Fact]
    public void Without_an_encounter_observations_group_by_calendar_date()
    {
        var result = new RecistScenario().Target("T1").Target("T2")
            .Scan(-4, 30, 20)
            .Scan(41, 20).Scan(43, null, 14)
            .Evaluate();

        Assert.Equal([Response.NE, Response.NE], result.TimePoints.Select(tp => tp.TargetResponse));
    }

    [Fact]
    public void Progression_is_measured_from_the_nadir()
    {
        var result = new RecistScenario().Target("T1").Scan(-4, 50).Scan(42, 30).Scan(84, 36).Evaluate();

        Assert.Equal([Response.PR, Response.PD], result.TimePoints.Select(tp => tp.OverallResponse));
        Assert.Equal(20.0m, result.TimePoints[1].ChangeFromNadir);
        Assert.Equal(Day(84), result.ProgressionDate);
        Assert.Equal(Response.SD, result.BestOverallResponse); // PR unconfirmed, PR at day 42 >= 35 days
    }

    [Fact]
    public void An_incomplete_sum_never_becomes_the_nadir()
    {
        var result = new RecistScenario().Target("T1").Target("T2")
            .Scan(-4, 30, 20)
            .Scan(42, 10, null) // 10 alone is not a sum
            .Scan(84, 25, 20) // 45 would be PD against 10
            .Evaluate();

        Assert.Equal([Response.NE, Response.SD], result.TimePoints.Select(tp => tp.TargetResponse));
        Assert.Null(result.TimePoints[0].TargetSum);
        Assert.Null(result.TimePoints[0].ChangeFromBaseline);
    }

    [Fact]
    public void Missing_targets_do_not_hide_progression_the_measured_ones_prove()
    {
        var result = new RecistScenario().Target("T1").Target("T2")
            .Scan(-4, 30, 20).Scan(42, 62, null).Evaluate();

        var timePoint = Assert.Single(result.TimePoints);
        Assert.Equal(Response.PD, timePoint.TargetResponse);
        Assert.Equal(62m, timePoint.TargetSum);
        Assert.Contains(timePoint.Reasons, r => r.Contains("T2 not assessed"));
    }

    [Fact]
    public void An_equivocal_new_lesion_later_unequivocal_dates_progression_to_the_scan_that_first_showed_it()
    {
        // RECIST 1.1 4.3.2: once the same lesion is unequivocal, PD dates from the initial scan (this replaces the
        // earlier reading that kept day 42 as SD and dated PD on day 84).
        var result = new RecistScenario().Target("T1")
            .Scan(-4, 30)
            .Scan(42, 28).NewLesion(42, "N1", NewLesionCertainty.Equivocal)
            .Scan(84, 28).NewLesion(84, "N1", NewLesionCertainty.Unequivocal)
            .Evaluate();

        Assert.Equal([Response.PD, Response.PD], result.TimePoints.Select(tp => tp.OverallResponse));
        Assert.Equal([true, true], result.TimePoints.Select(tp => tp.NewLesion));
        Assert.Contains(result.TimePoints[0].Reasons, r => r.Contains("confirmed unequivocal on " + Day(84).ToString("yyyy-MM-dd")));
        Assert.Equal(Day(42), result.ProgressionDate);
        Assert.Equal(Response.PD, result.BestOverallResponse);
    }

    [Fact]
    public void An_equivocal_new_lesion_never_confirmed_is_not_progression()
    {
        var result = new RecistScenario().Target("T1")
            .Scan(-4, 30)
            .Scan(42, 28).NewLesion(42, "N1", NewLesionCertainty.Equivocal)
            .Scan(84, 28).NewLesion(84, "N1", NewLesionCertainty.Equivocal)
            .Evaluate();

        Assert.Equal([Response.SD, Response.SD], result.TimePoints.Select(tp => tp.OverallResponse));
        Assert.Null(result.ProgressionDate);
        Assert.Contains(result.TimePoints[0].Reasons, r => r.Contains("not PD unless confirmed"));
    }

    [Fact]
    public void A_different_lesion_unequivocal_later_does_not_backdate_progression()
    {
        var result = new RecistScenario().Target("T1")
            .Scan(-4, 30)
            .Scan(42, 20).NewLesion(42, "N1", NewLesionCertainty.Equivocal)
            .Scan(84, 20).NewLesion(84, "N2", NewLesionCertainty.Unequivocal)
            .Evaluate();

        Assert.Equal([Response.PR, Response.PD], result.TimePoints.Select(tp => tp.OverallResponse));
        Assert.Equal(Day(84), result.ProgressionDate);
    }

    [Fact]
    public void Backdated_progression_ends_confirmation()
    {
        // PR on day 42 with an equivocal new lesion confirmed on day 84: the PR is PD, nothing confirms anything.
        var result = new RecistScenario().Target("T1")
            .Scan(-4, 50)
            .Scan(42, 30).NewLesion(42, "N1", NewLesionCertainty.Equivocal)
            .Scan(84, 30).NewLesion(84, "N1", NewLesionCertainty.Unequivocal)
            .Evaluate();

        Assert.Equal(Response.PD, result.BestOverallResponse);
        Assert.Null(result.FirstResponseDate);
    }

    [Fact]
    public void An_unequivocal_new_lesion_without_a_valid_baseline_is_progression_on_that_scan()
    {
        // The only pre-dose scan is 40 days before first dose: no valid baseline.
        var result = new RecistScenario().Target("T1")
            .Scan(-40, 30)
            .Scan(42, 30)
            .Scan(84, 30).NewLesion(84, "N1", NewLesionCertainty.Unequivocal)
            .Scan(126, 30)
            .Evaluate();

        Assert.Null(result.BaselineDate);
        Assert.False(result.HasMeasurableBaseline);   // outside the response-evaluable population
        Assert.Equal(Response.PD, result.BestOverallResponse);
        Assert.Equal(Day(84), result.ProgressionDate);
        Assert.Equal([Response.NE, Response.PD], result.TimePoints.Select(tp => tp.OverallResponse));
    }

    [Fact]
    public void Without_a_baseline_an_equivocal_lesion_confirmed_later_dates_progression_back()
    {
        var result = new RecistScenario().Target("T1")
            .Scan(42, 30).NewLesion(42, "N1", NewLesionCertainty.Equivocal)
            .Scan(84, 30).NewLesion(84, "N1", NewLesionCertainty.Unequivocal)
            .Evaluate();

        Assert.Equal(Day(42), result.ProgressionDate);
        Assert.Equal(Response.PD, result.BestOverallResponse);
    }

    [Fact]
    public void Baseline_is_per_lesion_a_CT_and_a_later_bone_scan_make_one_baseline()
    {
        // CT on day -10 measures T1 and T2 and sees NT1 (bone) present; the bone scan on day -2 re-assesses NT1 only.
        var result = new RecistScenario().Target("T1").Target("T2").NonTarget("NT1")
            .Scan(-10, 30, 20).Status(-10, "NT1", NonTargetStatus.Present)
            .Status(-2, "NT1", NonTargetStatus.Present)
            .Scan(42, 20, 10).Status(42, "NT1", NonTargetStatus.Present)
            .Evaluate();

        Assert.Equal(50m, result.BaselineSum);
        Assert.Equal(Day(-2), result.BaselineDate);
        Assert.Equal(["size-T1-d-10", "size-T2-d-10", "status-NT1-d-2"], result.BaselineEvidenceIds);
        var tp = Assert.Single(result.TimePoints);
        Assert.Equal((Response.PR, Response.NonCrNonPd, Response.PR), (tp.TargetResponse, tp.NonTargetResponse, tp.OverallResponse));
        Assert.Contains(result.Reasons, r => r.StartsWith("baseline per lesion"));
    }

    [Fact]
    public void Each_lesion_takes_its_own_last_assessment_in_the_window()
    {
        // T1 measured on day -20 and again on day -5; T2 only on day -20; T3 only on day -40 (outside the window).
        var result = new RecistScenario().Target("T1").Target("T2").Target("T3")
            .Scan(-40, null, null, 15)
            .Scan(-20, 40, 20, null)
            .Scan(-5, 35, null, null)
            .Scan(42, 30, 20, 15)
            .Evaluate();

        Assert.Equal(55m, result.BaselineSum);   // T1 35 (day -5) + T2 20 (day -20); T3 has no baseline in the window
        Assert.Contains(result.Reasons, r => r.Contains("T3 not measured at baseline"));
    }

    [Fact]
    public void Non_target_progression_alone_is_progression()
    {
        var result = new RecistScenario().Target("T1").NonTarget("NT1")
            .Scan(-4, 30).Status(-4, "NT1", NonTargetStatus.Present)
            .Scan(42, 15).Status(42, "NT1", NonTargetStatus.UnequivocalProgression)
            .Evaluate();

        var timePoint = Assert.Single(result.TimePoints);
        Assert.Equal((Response.PR, Response.PD, Response.PD), (timePoint.TargetResponse, timePoint.NonTargetResponse, timePoint.OverallResponse));
        Assert.Equal(Response.PD, result.BestOverallResponse);
    }

    [Fact]
    public void Non_measurable_only_disease_is_not_response_evaluable()
    {
        var result = new RecistScenario().NonTarget("NT1")
            .Status(-4, "NT1", NonTargetStatus.Present)
            .Status(42, "NT1", NonTargetStatus.Present)
            .Status(84, "NT1", NonTargetStatus.Present)
            .Evaluate();

        Assert.False(result.HasMeasurableBaseline);
        Assert.Null(result.BaselineSum);
        Assert.All(result.TimePoints, tp => Assert.Equal((Response.NA, Response.NonCrNonPd), (tp.TargetResponse, tp.OverallResponse)));
        Assert.Equal(Response.NonCrNonPd, result.BestOverallResponse);
    }

    [Fact]
    public void A_target_not_measured_at_baseline_is_left_out_of_the_sum()
    {
        var result = new RecistScenario().Target("T1").Target("T2").Scan(-4, 30, null).Scan(42, 30, 99).Evaluate();

        Assert.Equal(30m, result.BaselineSum);
        Assert.Contains(result.Reasons, r => r.Contains("T2 not measured at baseline"));
        Assert.Equal(Response.SD, result.TimePoints.Single().TargetResponse);
    }

    [Fact]
    public void Complete_response_of_nodes_below_10_mm()
    {
        var result = new RecistScenario().Target("T1").Target("LN1", node: true)
            .Scan(-4, 20, 18).Scan(42, 0, 9).Scan(84, 0, 8).Evaluate();

        Assert.Equal([Response.CR, Response.CR], result.TimePoints.Select(tp => tp.OverallResponse));
        Assert.Equal(Response.CR, result.BestOverallResponse);
    }

    [Fact]
    public void Every_time_point_says_why()
    {
        var result = new RecistScenario().Target("T1").Scan(-4, 30).Scan(42, 20).Evaluate();

        var reasons = result.TimePoints.Single().Reasons;
        Assert.Contains(reasons, r => r.StartsWith("sum 20 mm <= 0.7 x baseline 30 mm"));
        Assert.Contains(reasons, r => r.StartsWith("overall PR"));
    }

    [Fact]
    public void Assessments_from_the_start_of_new_anticancer_therapy_on_do_not_count()
    {
        // PR on day 42; new therapy from day 60; the day-84 PR would have confirmed it, the day-126 PD would be progression.
        var scenario = new RecistScenario().Target("T1").Scan(-4, 50).Scan(42, 30).Scan(84, 30).Scan(126, 45);
        var input = scenario.Input() with { NewTherapyDate = Day(60) };

        var result = RecistEvaluator.Evaluate(input, StudySettings.Default);

        Assert.Equal([Day(42)], result.TimePoints.Select(tp => tp.Date));
        Assert.Equal(Response.SD, result.BestOverallResponse);   // unconfirmed PR, >= 35 days
        Assert.Null(result.ProgressionDate);
        Assert.Contains(result.Reasons, r => r.Contains("new anticancer therapy"));
    }
}
