using CsCheck;
using FhirTrial.Trial.Recist;
using FhirTrial.Trial.Settings;
using static FhirTrial.Trial.Tests.Recist.RecistScenario;

namespace FhirTrial.Trial.Tests.Recist;

/// <summary>Properties that must hold for any subject, checked on random case histories.</summary>
public class RecistPropertyTests
{
    private static readonly Gen<decimal?> AnySize =
        Gen.Frequency((1, Gen.Const((decimal?)null)), (1, Gen.Const((decimal?)0m)), (8, Gen.Int[1, 90].Select(i => (decimal?)i)));

    private static readonly Gen<NonTargetStatus?> AnyStatus = Gen.OneOf<NonTargetStatus?>(
        Gen.Const((NonTargetStatus?)null), Gen.Enum<NonTargetStatus>().Select(s => (NonTargetStatus?)s));

    private static readonly Gen<NewLesionCertainty?> AnyNewLesion = Gen.Frequency(
        (6, Gen.Const((NewLesionCertainty?)null)), (1, Gen.Enum<NewLesionCertainty>().Select(c => (NewLesionCertainty?)c)));

    /// <summary>A case history: nodes flags for 1-3 targets, 0-2 non-targets, 1-7 scans 14-70 days apart after a day -4 baseline.</summary>
    private static readonly Gen<RecistInput> AnySubject =
        from nodes in Gen.Bool.Array[1, 3]
        from nonTargets in Gen.Int[0, 2]
        from baseline in Gen.Int[10, 80].Array[nodes.Length]
        from scans in Gen.Select(Gen.Int[14, 70], AnySize.Array[nodes.Length], AnyStatus.Array[nonTargets], AnyNewLesion).Array[1, 7]
        select Build(nodes, nonTargets, baseline, scans);

    [Fact]
    public void A_confirmed_response_is_never_after_the_progression_date() =>
        AnySubject.Sample(input =>
        {
            var result = RecistEvaluator.Evaluate(input, StudySettings.Default);

            Assert.Equal(result.BestOverallResponse is Response.CR or Response.PR, result.FirstResponseDate is not null);
            if (result is { FirstResponseDate: { } response, ProgressionDate: { } progression })
                Assert.True(response < progression, $"response {response} not before progression {progression}");
        });

    [Fact]
    public void Scaling_every_non_nodal_lesion_by_a_factor_of_at_least_one_keeps_every_category()
    {
        // The 5 mm rule is absolute, so the property holds only where it never decides: whenever a sum is 20% over
        // the nadir it must already be 5 mm over it (scaling up keeps it so). Nodes are left out for the 10 mm rule.
        var histories =
            from baseline in Gen.Int[10, 80].Array[1, 3]
            from follow in Gen.Int[0, 90].Array[baseline.Length].Array[1, 5]
            from factorPercent in Gen.Int[100, 400]
            select (baseline, follow, factor: factorPercent / 100m);

        histories.Sample((baseline, follow, factor) =>
        {
            if (AbsoluteRuleDecides(baseline, follow))
                return;

            var original = Categories(baseline, follow, 1m);
            var scaled = Categories(baseline, follow, factor);
            Assert.Equal(original, scaled);
        });
    }

    private static bool AbsoluteRuleDecides(int[] baseline, int[][] follow)
    {
        var nadir = baseline.Sum();
        foreach (var scan in follow)
        {
            var sum = scan.Sum();
            if (sum >= 1.2m * nadir && sum - nadir < TargetResponse.ProgressionAbsoluteMm)
                return true;
            nadir = Math.Min(nadir, sum);
        }

        return false;
    }

    private static string Categories(int[] baseline, int[][] follow, decimal factor)
    {
        var scenario = new RecistScenario();
        for (var i = 0; i < baseline.Length; i++)
            scenario.Target($"T{i + 1}");
        scenario.Scan(-4, baseline.Select(mm => (decimal?)(mm * factor)).ToArray());
        for (var s = 0; s < follow.Length; s++)
            scenario.Scan(42 * (s + 1), follow[s].Select(mm => (decimal?)(mm * factor)).ToArray());

        var result = scenario.Evaluate();
        return string.Join(" ", result.TimePoints.Select(tp => $"{tp.TargetResponse}/{tp.OverallResponse}")) + " -> " + result.BestOverallResponse;
    }

    private static RecistInput Build(bool[] nodes, int nonTargets, int[] baseline,
        (int Gap, decimal?[] Sizes, NonTargetStatus?[] Statuses, NewLesionCertainty? NewLesion)[] scans)
    {
        var scenario = new RecistScenario();
        for (var i = 0; i < nodes.Length; i++)
            scenario.Target($"T{i + 1}", nodes[i]);
        for (var i = 0; i < nonTargets; i++)
            scenario.NonTarget($"NT{i + 1}").Status(-4, $"NT{i + 1}", NonTargetStatus.Present);
        scenario.Scan(-4, baseline.Select(mm => (decimal?)mm).ToArray());

        var day = 0;
        foreach (var (gap, sizes, statuses, newLesion) in scans)
        {
            day += gap;
            scenario.Scan(day, sizes);
            for (var i = 0; i < statuses.Length; i++)
                scenario.Status(day, $"NT{i + 1}", statuses[i]);
            if (newLesion is { } certainty)
                scenario.NewLesion(day, $"N{day}", certainty);
        }

        return scenario.Input();
    }
}
