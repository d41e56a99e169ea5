using FhirTrial.Trial.Safety;
using FhirTrial.Trial.Settings;

namespace FhirTrial.Trial.Tests.Safety;

/// <summary>
/// Worked examples of treatment emergence (ADR 0006): first dose day 0 = 2025-01-10, last dose day 50, TEAE window 30
/// days (to day 80), cut-off day 100 unless said.
/// </summary>
public class TreatmentEmergenceTests
{
    private static readonly DateOnly FirstDose = new(2025, 1, 10);
    private static readonly SubjectExposure Exposure = new("S1", FirstDose, FirstDose.AddDays(50));

    private static AdverseEventRecord Ae(int? onsetDay, int? latestDay = null, Causality causality = Causality.Related, int grade = 2) =>
        new("S1", "10016256", "Fatigue", grade, null, false, causality)
        {
            Onset = onsetDay is { } d ? FirstDose.AddDays(d) : null,
            OnsetLatest = latestDay is { } l ? FirstDose.AddDays(l) : null,
        };

    [Theory]
    //         onset latest cutoff  expected
    [InlineData(-1,  null,  100,    AdverseEventTiming.PreTreatment)]       // the day before the first dose
    [InlineData(0,   null,  100,    AdverseEventTiming.TreatmentEmergent)]  // on the first dose day
    [InlineData(80,  null,  100,    AdverseEventTiming.TreatmentEmergent)]  // last dose + 30: the window's last day
    [InlineData(81,  null,  100,    AdverseEventTiming.AfterTreatmentWindow)]
    [InlineData(60,  null,  55,     AdverseEventTiming.AfterTreatmentWindow)] // the cut-off ends the window earlier
    [InlineData(-9,  20,    100,    AdverseEventTiming.TreatmentEmergent)]  // a partial date (January 2025) that may be on treatment
    [InlineData(-40, -10,   100,    AdverseEventTiming.PreTreatment)]       // December 2024: surely before
    [InlineData(null, null, 100,    AdverseEventTiming.TreatmentEmergent)]  // no onset date: counted, conservatively
    public void Classify(int? onsetDay, int? latestDay, int cutoffDay, AdverseEventTiming expected) =>
        Assert.Equal(expected, TreatmentEmergence.Classify(Ae(onsetDay, latestDay), Exposure, FirstDose.AddDays(cutoffDay), StudySettings.Default));

    [Fact]
    public void The_window_is_a_study_setting()
    {
        var settings = StudySettings.Default with { TeaeWindowDays = 100 };

        Assert.Equal(AdverseEventTiming.TreatmentEmergent, TreatmentEmergence.Classify(Ae(81), Exposure, FirstDose.AddDays(200), settings));
    }

    [Fact]
    public void Only_the_dosed_population_counts_and_pre_treatment_events_are_listed_apart()
    {
        var other = new AdverseEventRecord("S2", "10016256", "Fatigue", 3, null, false, Causality.Related) { Onset = FirstDose };
        var events = new[] { Ae(-5), Ae(10, causality: Causality.Unknown), Ae(90, grade: 4), other };

        var analysis = TreatmentEmergence.Analyse([Exposure], events, FirstDose.AddDays(100), StudySettings.Default);

        Assert.Equal(1, analysis.Summary.Subjects);                          // S2 was never dosed
        Assert.Equal((1, 1, 0), (analysis.Summary.AnyAe, analysis.Summary.AnyTrae, analysis.Summary.Grade3Trae));
        Assert.Equal(1, analysis.Summary.UnknownCausalityCountedRelated);    // the day-10 event
        Assert.Equal(FirstDose.AddDays(-5), Assert.Single(analysis.PreTreatment).Onset);
        Assert.Equal(FirstDose.AddDays(90), Assert.Single(analysis.AfterTreatmentWindow).Onset);
        Assert.Equal(0, analysis.UndatedEvents);
    }
}
