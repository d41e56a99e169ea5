using FhirTrial.Trial.Recist;

namespace FhirTrial.Trial.Tests.Recist;

/// <summary>
/// Target lesions that split or coalesce on treatment (RECIST 1.1 "Lesions that split or coalesce on treatment";
/// ADR 0008): fragments' diameters are added to their parent's, a coalesced lesion's diameter counts once.
/// </summary>
public class SplitAndCoalescedLesionsTests
{
    private static TimePointResponse At(RecistResult result, int day) =>
        result.TimePoints.Single(tp => tp.Date == RecistScenario.Day(day));

    [Fact]
    public void A_split_lesion_is_the_sum_of_its_fragments()
    {
        //            T1   T1b (fragment of T1)   T2   sum
        // day -7     40                          20   60  baseline
        // day 42     20   15                     12   47  SD (47 > 0.7 x 60 = 42); without the fragment 32 would be PR
        // day 84     20   25                     15   60  PD (60 >= 1.2 x nadir 47, +13 mm); without it 35 would be PR
        var result = new RecistScenario()
            .Target("T1").Target("T2").Scan(-7, 40, 20)
            .Fragment("T1b", splitFrom: "T1")
            .Size(42, "T1", 20).Size(42, "T1b", 15).Size(42, "T2", 12)
            .Size(84, "T1", 20).Size(84, "T1b", 25).Size(84, "T2", 15)
            .Evaluate();

        Assert.Equal(60m, result.BaselineSum);
        Assert.Equal((47m, Response.SD), (At(result, 42).TargetSum, At(result, 42).TargetResponse));
        Assert.Contains("T1 split: 20 mm + T1b 15 mm = 35 mm", At(result, 42).Reasons);
        Assert.Equal((60m, Response.PD), (At(result, 84).TargetSum, At(result, 84).TargetResponse));
        Assert.Equal((Response.SD, RecistScenario.Day(84)), (result.BestOverallResponse, result.ProgressionDate));
    }

    [Fact]
    public void A_fragment_missing_after_the_split_makes_the_target_not_assessed()
    {
        var result = new RecistScenario()
            .Target("T1").Target("T2").Scan(-7, 40, 20)
            .Fragment("T1b", splitFrom: "T1")
            .Size(42, "T1", 20).Size(42, "T1b", 15).Size(42, "T2", 12)
            .Size(84, "T1", 10).Size(84, "T2", 8)      // T1b not reported: the sum would understate the disease
            .Evaluate();

        Assert.Equal(Response.NE, At(result, 84).TargetResponse);
        Assert.Contains("T1 split: T1b not assessed", At(result, 84).Reasons);
    }

    [Fact]
    public void A_fragment_of_a_fragment_adds_to_the_first_target()
    {
        var result = new RecistScenario()
            .Target("T1").Scan(-7, 50)
            .Fragment("T1b", splitFrom: "T1").Fragment("T1c", splitFrom: "T1b")
            .Size(42, "T1", 10).Size(42, "T1b", 10).Size(42, "T1c", 10)
            .Evaluate();

        Assert.Equal((30m, Response.PR), (At(result, 42).TargetSum, At(result, 42).TargetResponse));   // 30 <= 0.7 x 50
    }

    [Fact]
    public void Coalesced_lesions_count_once_the_merged_diameter()
    {
        //            T1   T2                     sum
        // day -7     30   20                     50  baseline
        // day 42     28   18                     46  SD
        // day 84     45   (coalesced into T1)    45  SD: T2 is inside T1's 45 mm, not NE and not counted twice
        // day 126    46   0 (recorded 0)         46  SD
        var result = new RecistScenario()
            .Target("T1").Target("T2").Scan(-7, 30, 20).Scan(42, 28, 18)
            .Coalesced("T2", into: "T1")
            .Size(84, "T1", 45)
            .Size(126, "T1", 46).Size(126, "T2", 0)
            .Evaluate();

        Assert.Equal((45m, Response.SD), (At(result, 84).TargetSum, At(result, 84).TargetResponse));
        Assert.Contains("T2 coalesced into T1: measured within it, counted 0 mm", At(result, 84).Reasons);
        Assert.Equal((46m, Response.SD), (At(result, 126).TargetSum, At(result, 126).TargetResponse));
        Assert.Contains("T2 coalesced into T1: recorded 0 mm, measured within it", At(result, 126).Reasons);
    }

    [Fact]
    public void A_merged_lesion_skipped_before_it_coalesced_stays_not_assessed()
    {
        // T2 is missing on day 42 but measured on its own again on day 84: it had not coalesced yet on day 42.
        var result = new RecistScenario()
            .Target("T1").Target("T2").Scan(-7, 30, 20)
            .Coalesced("T2", into: "T1")
            .Size(42, "T1", 28)
            .Size(84, "T1", 27).Size(84, "T2", 19)
            .Evaluate();

        Assert.Equal(Response.NE, At(result, 42).TargetResponse);
        Assert.Equal((46m, Response.SD), (At(result, 84).TargetSum, At(result, 84).TargetResponse));
    }

    [Fact]
    public void A_split_node_adds_short_axes_and_each_part_is_normal_below_10_mm()
    {
        //            N1 (node)  N1b (fragment, node)  T1   sum
        // day -7     20                               30   50  baseline
        // day 42      8          7                     0   15  CR: every part of the node < 10 mm, T1 gone
        // day 84      6          5                     0   11  CR confirmed (the sum of a CR with nodes is not 0)
        var result = new RecistScenario()
            .Target("N1", node: true).Target("T1").Scan(-7, 20, 30)
            .Fragment("N1b", splitFrom: "N1", node: true)
            .Size(42, "N1", 8).Size(42, "N1b", 7).Size(42, "T1", 0)
            .Size(84, "N1", 6).Size(84, "N1b", 5).Size(84, "T1", 0)
            .Evaluate();

        Assert.Equal((15m, Response.CR), (At(result, 42).TargetSum, At(result, 42).TargetResponse));
        Assert.Contains("N1 split: 8 mm + N1b 7 mm = 15 mm (short axes; each part a node of its own)", At(result, 42).Reasons);
        Assert.Equal(Response.CR, result.BestOverallResponse);
    }

    [Fact]
    public void A_split_node_with_one_part_still_enlarged_is_not_a_complete_response()
    {
        var result = new RecistScenario()
            .Target("N1", node: true).Target("T1").Scan(-7, 20, 30)
            .Fragment("N1b", splitFrom: "N1", node: true)
            .Size(42, "N1", 4).Size(42, "N1b", 11).Size(42, "T1", 0)
            .Evaluate();

        Assert.Equal((15m, Response.PR), (At(result, 42).TargetSum, At(result, 42).TargetResponse));   // 15 <= 0.7 x 50
    }
}
