using FhirTrial.Trial.Protocol;
using FhirTrial.Trial.Settings;

namespace FhirTrial.Trial.Tests.Protocol;

/// <summary>Tumour assessments every 42 days from the first dose, each within +-7 days.</summary>
public class AssessmentScheduleTests
{
    private static readonly DateOnly FirstDose = new(2025, 1, 6);

    private static DateOnly Day(int day) => FirstDose.AddDays(day);

    private static AssessmentFact Scan(int day) => new(Day(day), [$"Observation/scan-{day}-T1", $"Observation/scan-{day}-NT1"]);

    private static ProtocolFacts Subject(params int[] scanDays) =>
        new(FirstDose, [], [], [], [Scan(-7), .. scanDays.Select(Scan)]);

    private static string[] Kinds(ProtocolFacts facts, int evaluationDay) =>
        ProtocolDeviationDetector.Detect(facts, StudySettings.Default, Day(evaluationDay))
            .Select(d => $"{d.Kind}@{d.Date.DayNumber - FirstDose.DayNumber}")
            .ToArray();

    [Theory]
    // scan day  deviations (kind@day)            visit 1 is due day 42, window 35..49
    [InlineData(42, new string[0])]
    [InlineData(35, new string[0])]                     // -7
    [InlineData(49, new string[0])]                     // +7
    [InlineData(34, new[] { "assessment-window@34" })]  // -8
    [InlineData(50, new[] { "assessment-window@50" })]  // +8
    [InlineData(63, new[] { "assessment-window@63" })]  // halfway: stands for the owed visit 1
    [InlineData(64, new[] { "assessment-missed@42", "assessment-window@64" })]  // nearer visit 2, so visit 1 is missed
    public void Each_assessment_within_7_days_of_its_visit(int scanDay, string[] deviations) =>
        Assert.Equal(deviations, Kinds(Subject(scanDay), evaluationDay: 70));

    [Theory]
    // evaluation day  deviations                 the window of visit 1 closes after day 49
    [InlineData(30, new string[0])]
    [InlineData(49, new string[0])]
    [InlineData(50, new[] { "assessment-missed@42" })]
    [InlineData(91, new[] { "assessment-missed@42" })]  // visit 2 window 77..91 still open on day 91
    [InlineData(92, new[] { "assessment-missed@42", "assessment-missed@84" })]
    public void A_visit_without_an_assessment_is_missed_once_its_window_closed(int evaluationDay, string[] deviations) =>
        Assert.Equal(deviations, Kinds(Subject(), evaluationDay));

    [Fact]
    public void A_late_assessment_is_a_window_deviation_not_also_a_missed_visit() =>
        Assert.Equal(["assessment-window@57", "assessment-missed@84"], Kinds(Subject(57), evaluationDay: 100));

    [Fact]
    public void A_regular_schedule_has_no_deviations() =>
        Assert.Empty(Kinds(Subject(40, 85, 130, 165), evaluationDay: 200));

    [Theory]
    // progression, death or off-study on day 60: visit 2 (day 84) is no longer owed
    [InlineData("progression")]
    [InlineData("death")]
    [InlineData("off-study")]
    public void The_schedule_ends_with_progression_death_or_off_study(string end)
    {
        var facts = Subject(42) with
        {
            ProgressionDate = end == "progression" ? Day(60) : null,
            DeathDate = end == "death" ? Day(60) : null,
            OffStudyDate = end == "off-study" ? Day(60) : null,
        };

        Assert.Empty(Kinds(facts, evaluationDay: 300));
    }

    [Fact]
    public void Visits_whose_window_closed_before_the_end_are_still_owed()
    {
        var facts = Subject() with { DeathDate = Day(60) };

        Assert.Equal(["assessment-missed@42"], Kinds(facts, evaluationDay: 300));
    }

    [Fact]
    public void The_progression_assessment_is_judged_and_later_scans_are_not()
    {
        var facts = Subject(42, 95, 100) with { ProgressionDate = Day(95) };

        // Day 95 is 11 days after visit 2 and stands for it; day 100 (a confirmation scan) is off schedule.
        Assert.Equal(["assessment-window@95"], Kinds(facts, evaluationDay: 300));
    }

    [Fact]
    public void Baseline_and_future_scans_are_not_judged() =>
        Assert.Equal(["assessment-missed@42"], Kinds(Subject(-20, 80), evaluationDay: 60));

    [Fact]
    public void Window_deviation_cites_the_assessment_and_says_how_far_off()
    {
        var deviation = Assert.Single(ProtocolDeviationDetector.Detect(Subject(34), StudySettings.Default, Day(60)));

        Assert.Equal(["Observation/scan-34-T1", "Observation/scan-34-NT1"], deviation.Evidence);
        Assert.Contains("-8 days", deviation.Detail);
        Assert.Contains("visit 1", deviation.Detail);
    }

    [Fact]
    public void Missed_visit_is_dated_on_its_due_day_and_cites_nothing()
    {
        var deviation = Assert.Single(ProtocolDeviationDetector.Detect(Subject(), StudySettings.Default, Day(60)));

        Assert.Equal(("assessment-missed", Day(42)), (deviation.Kind, deviation.Date));
        Assert.Empty(deviation.Evidence);
    }

    [Fact]
    public void Interval_and_window_are_study_settings()
    {
        var settings = StudySettings.Default with { AssessmentIntervalDays = 56, AssessmentWindowDays = 3 };
        var deviations = ProtocolDeviationDetector.Detect(Subject(52, 112), settings, Day(200))
            .Select(d => $"{d.Kind}@{d.Date.DayNumber - FirstDose.DayNumber}");

        // visits due 56 (53..59), 112, 168 (165..171)
        Assert.Equal(["assessment-window@52", "assessment-missed@168"], deviations);
    }

    [Fact]
    public void Dosing_and_schedule_deviations_come_together_in_date_order()
    {
        var facts = Subject(50) with
        {
            Weights = [new WeightFact(Day(-3), 70, "Observation/w")],
            LenvatinibDoses = [new DoseFact(Day(0), 8, "MedicationAdministration/l0")],
            CadonilimabDoses = [new DoseFact(Day(0), 700, "MedicationAdministration/c0"), new DoseFact(Day(30), 700, "MedicationAdministration/c30")],
        };

        Assert.Equal(["lenvatinib-dose@0", "cadonilimab-delay@30", "assessment-window@50"], Kinds(facts, evaluationDay: 60));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(20, 1)]
    [InlineData(42, 1)]
    [InlineData(63, 1)]
    [InlineData(64, 2)]
    [InlineData(84, 2)]
    [InlineData(126, 3)]
    public void Each_day_belongs_to_its_nearest_visit(int day, int visit) =>
        Assert.Equal(visit, new AssessmentSchedule(FirstDose, StudySettings.Default).NearestVisit(Day(day)));
}
