using FhirTrial.Trial.Protocol;
using FhirTrial.Trial.Settings;

namespace FhirTrial.Trial.Tests.Protocol;

/// <summary>Lenvatinib and cadonilimab doses and cadonilimab intervals, on both sides of every threshold.</summary>
public class DosingDeviationTests
{
    private static readonly DateOnly FirstDose = new(2025, 1, 6);
    private static readonly DateOnly Evaluation = FirstDose.AddDays(30);

    private static DateOnly Day(int day) => FirstDose.AddDays(day);

    private static ProtocolFacts Subject(
        WeightFact[]? weights = null, DoseFact[]? lenvatinib = null, DoseFact[]? cadonilimab = null) =>
        new(FirstDose, weights ?? [Weight(60, -4)], lenvatinib ?? [], cadonilimab ?? [], []);

    private static WeightFact Weight(decimal kg, int day, string id = "Observation/weight") => new(Day(day), kg, id);

    private static DoseFact Dose(decimal mg, int day, string drug) => new(Day(day), mg, $"MedicationAdministration/{drug}-{day}");

    private static IReadOnlyList<Deviation> Detect(ProtocolFacts facts, DateOnly? evaluation = null) =>
        ProtocolDeviationDetector.Detect(facts, StudySettings.Default, evaluation ?? Evaluation);

    [Theory]
    // weight kg  start dose mg  deviation
    [InlineData(59.9, 8, false)]
    [InlineData(59.9, 12, true)]
    [InlineData(60, 12, false)]
    [InlineData(60, 8, true)]
    [InlineData(85, 12, false)]
    [InlineData(85, 10, true)]
    public void Lenvatinib_start_dose_follows_the_weight(double kg, int mg, bool deviation)
    {
        var facts = Subject(weights: [Weight((decimal)kg, -4)], lenvatinib: [Dose(mg, 0, "lenvatinib")]);

        var found = Detect(facts);

        Assert.Equal(deviation, found.Any(d => d.Kind == "lenvatinib-dose"));
        Assert.All(found, d => Assert.Equal("lenvatinib-dose", d.Kind));
    }

    [Fact]
    public void Lenvatinib_uses_the_latest_weight_on_or_before_the_start_day()
    {
        var facts = Subject(
            weights: [Weight(65, -20, "Observation/w-old"), Weight(58, 0, "Observation/w-day0"), Weight(70, 1, "Observation/w-later")],
            lenvatinib: [Dose(12, 0, "lenvatinib")]);

        var deviation = Assert.Single(Detect(facts));

        Assert.Equal("lenvatinib-dose", deviation.Kind);
        Assert.Equal(Day(0), deviation.Date);
        Assert.Equal(["MedicationAdministration/lenvatinib-0", "Observation/w-day0"], deviation.Evidence);
        Assert.Contains("8 mg expected", deviation.Detail);
    }

    [Fact]
    public void Only_the_start_dose_is_checked_so_a_later_reduction_is_no_deviation()
    {
        var facts = Subject(
            weights: [Weight(70, -4)],
            lenvatinib: [new DoseFact(Day(-1), 12, "MedicationRequest/lenvatinib"), Dose(12, 0, "lenvatinib"), Dose(8, 14, "lenvatinib")]);

        Assert.Empty(Detect(facts));
    }

    [Fact]
    public void Without_any_weight_no_dose_deviation_is_claimed()
    {
        var facts = Subject(weights: [], lenvatinib: [Dose(4, 0, "lenvatinib")], cadonilimab: [Dose(100, 0, "cadonilimab")]);

        Assert.Empty(Detect(facts));
    }

    [Theory]
    // 60 kg x 10 mg/kg = 600 mg, +-10% = 540..660 mg
    [InlineData(600, false)]
    [InlineData(654, false)] // +9%
    [InlineData(546, false)] // -9%
    [InlineData(660, false)] // +10%, the bound
    [InlineData(540, false)] // -10%, the bound
    [InlineData(666, true)]  // +11%
    [InlineData(534, true)]  // -11%
    public void Cadonilimab_dose_is_10_mg_per_kg_within_10_percent(int mg, bool deviation)
    {
        var found = Detect(Subject(cadonilimab: [Dose(mg, 0, "cadonilimab")]));

        Assert.Equal(deviation, found.Any(d => d.Kind == "cadonilimab-dose"));
        Assert.All(found, d => Assert.Equal("cadonilimab-dose", d.Kind));
    }

    [Fact]
    public void Each_cadonilimab_dose_uses_the_weight_of_its_day()
    {
        // 600 mg was right at 60 kg but is 20% too much once the subject weighs 50 kg.
        var facts = Subject(
            weights: [Weight(60, -4), Weight(50, 20, "Observation/weight-day20")],
            cadonilimab: [Dose(600, 0, "cadonilimab"), Dose(600, 21, "cadonilimab")]);

        var deviation = Assert.Single(Detect(facts, Day(30)));

        Assert.Equal(("cadonilimab-dose", Day(21)), (deviation.Kind, deviation.Date));
        Assert.Equal(["MedicationAdministration/cadonilimab-21", "Observation/weight-day20"], deviation.Evidence);
        Assert.Contains("+20%", deviation.Detail);
    }

    [Theory]
    // days since the previous dose  deviation
    [InlineData(14, "cadonilimab-interval")]
    [InlineData(17, "cadonilimab-interval")]
    [InlineData(18, null)]
    [InlineData(21, null)]
    [InlineData(24, null)]
    [InlineData(25, "cadonilimab-delay")]
    [InlineData(35, "cadonilimab-delay")]
    public void Cadonilimab_every_21_days_between_day_18_and_24(int days, string? kind)
    {
        var facts = Subject(cadonilimab: [Dose(600, 0, "cadonilimab"), Dose(600, days, "cadonilimab")]);

        var found = Detect(facts, Day(40));

        if (kind is null)
        {
            Assert.Empty(found);
            return;
        }
        var deviation = Assert.Single(found);
        Assert.Equal((kind, Day(days)), (deviation.Kind, deviation.Date));
        Assert.Equal(["MedicationAdministration/cadonilimab-0", $"MedicationAdministration/cadonilimab-{days}"], deviation.Evidence);
        Assert.Contains($"day {days}", deviation.Detail);
    }

    [Fact]
    public void Intervals_are_measured_from_the_previous_dose_whatever_the_input_order()
    {
        var facts = Subject(cadonilimab:
        [
            Dose(600, 42, "cadonilimab"), Dose(600, 0, "cadonilimab"), Dose(600, 21, "cadonilimab"), Dose(600, 70, "cadonilimab"),
        ]);

        var deviation = Assert.Single(Detect(facts, Day(75)), d => d.Kind.StartsWith("cadonilimab", StringComparison.Ordinal));

        Assert.Equal(("cadonilimab-delay", Day(70)), (deviation.Kind, deviation.Date));
    }

    [Fact]
    public void Doses_after_the_evaluation_date_are_not_judged()
    {
        var facts = Subject(cadonilimab: [Dose(600, 0, "cadonilimab"), Dose(600, 10, "cadonilimab")]);

        Assert.Empty(Detect(facts, Day(9)));
    }

    [Fact]
    public void Thresholds_are_study_settings()
    {
        var settings = StudySettings.Default with { WeightThresholdKg = 50, CadonilimabLatestDay = 30, CadonilimabDoseTolerance = 0.25m };
        var facts = Subject(
            weights: [Weight(55, -4)],
            lenvatinib: [Dose(12, 0, "lenvatinib")],
            cadonilimab: [Dose(430, 0, "cadonilimab"), Dose(430, 28, "cadonilimab")]);

        Assert.Empty(ProtocolDeviationDetector.Detect(facts, settings, Day(40)));
        Assert.Equal(
            ["cadonilimab-dose", "lenvatinib-dose", "cadonilimab-delay", "cadonilimab-dose"],
            ProtocolDeviationDetector.Detect(facts, StudySettings.Default, Day(40)).Select(d => d.Kind));
    }

    [Theory]
    [InlineData(59.99, 8)]
    [InlineData(60, 12)]
    public void Dosing_rules_read_as_the_protocol(double kg, int mg)
    {
        Assert.Equal(mg, DosingRules.LenvatinibStartDoseMg((decimal)kg, StudySettings.Default));
        Assert.Equal((decimal)kg * 10, DosingRules.CadonilimabDoseMg((decimal)kg, StudySettings.Default));
    }
}
