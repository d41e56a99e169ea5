using FhirTrial.Trial.Recist;
using FhirTrial.Trial.Settings;

namespace FhirTrial.Trial.Tests.Recist;

/// <summary>Worked examples of RECIST 1.1 target selection (sections 3.1 and 3.3): 5 targets, 2 per organ, 10/15 mm.</summary>
public class TargetSelectionTests
{
    private static readonly DateOnly FirstDose = new(2024, 3, 1);

    private static RecistResult Evaluate(params (string Id, string? Organ, bool Node, decimal Mm)[] targets)
    {
        var lesions = targets.Select(t => new Lesion(t.Id, LesionRole.Target, t.Node) { Organ = t.Organ }).ToList();
        var baseline = targets.Select(t => new TargetMeasurement(t.Id, FirstDose.AddDays(-4), t.Mm, $"Observation/{t.Id}")).ToList();
        var followUp = targets.Select(t => new TargetMeasurement(t.Id, FirstDose.AddDays(42), t.Mm)).ToList();
        return RecistEvaluator.Evaluate(new RecistInput(lesions, [.. baseline, .. followUp], [], [], FirstDose), StudySettings.Default);
    }

    [Fact]
    public void A_valid_selection_has_no_warning() =>
        Assert.Empty(Evaluate(("T1", "liver", false, 20), ("T2", "liver", false, 10), ("N1", null, true, 15)).SelectionWarnings);

    [Fact]
    public void More_than_five_targets()
    {
        var warnings = Evaluate(("T1", "a", false, 20), ("T2", "b", false, 20), ("T3", "c", false, 20), ("T4", "d", false, 20),
            ("T5", "e", false, 20), ("T6", "f", false, 20)).SelectionWarnings;

        var warning = Assert.Single(warnings);
        Assert.StartsWith("6 target lesions at baseline", warning.Detail);
        Assert.Equal(6, warning.Evidence.Count);
    }

    [Fact]
    public void More_than_two_per_organ_with_all_nodes_as_one_organ()
    {
        var warnings = Evaluate(("T1", "liver", false, 20), ("T2", "liver", false, 20), ("T3", "liver", false, 20),
            ("N1", "neck", true, 20), ("N2", "axilla", true, 20), ("N3", "groin", true, 20)).SelectionWarnings;

        Assert.Equal(["3 target lesions in liver", "3 target lesions in lymph nodes", "6 target lesions at baseline"], warnings.Select(w => w.Detail[..w.Detail.IndexOf(':')]).Order());
        Assert.Contains(warnings, w => w.Evidence.SequenceEqual(["Observation/T1", "Observation/T2", "Observation/T3"]));
    }

    [Theory]
    [InlineData(false, 9.9, true)]
    [InlineData(false, 10, false)]
    [InlineData(true, 14, true)]
    [InlineData(true, 15, false)]
    public void A_target_must_be_measurable_at_baseline(bool node, double mm, bool warned)
    {
        var warnings = Evaluate(("T1", "lung", node, (decimal)mm)).SelectionWarnings;

        Assert.Equal(warned, warnings.Any(w => w.Detail.Contains("not measurable")));
    }
}
