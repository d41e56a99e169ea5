using FhirTrial.Trial.Endpoints;
using FhirTrial.Trial.Fhir.Efficacy;
using FhirTrial.Trial.Fhir.Recist;
using FhirTrial.Trial.Recist;
using FhirTrial.Trial.Settings;
using Hl7.Fhir.Model;
using static FhirTrial.Trial.Fhir.Tests.Recist.RecistSubjects;

namespace FhirTrial.Trial.Fhir.Tests.Recist;

/// <summary>
/// <c>$efficacy</c> and <c>$interim</c> on a six-subject cohort small enough to compute by hand. Every subject has one
/// target lesion of 50 mm at day -4; first dose 2025-01-06 (day 0); cadonilimab every 21 days.
/// <code>
/// subject  scans (day: mm)              doses to  death  best  first resp  PD    last alive
/// A        42:30 84:30 126:40           126       -      PR    42          126   126
/// B        42:0  84:0                   84        -      CR    42          -     84
/// C        42:45 84:45                  84        -      SD    -           -     84
/// D        42:65                        42        100    PD    -           42    (dead)
/// E        (none)                       21        -      NE    -           -     21
/// F        enrolled, never dosed        -         -      (not treated)
/// </code>
/// Treated 5, evaluable 5, responders 2 (A, B): ORR 2/5 = 0.4, Clopper-Pearson 95% [0.052745, 0.853367]; DCR 3/5 = 0.6.
/// PFS (days, + = censored): A 126, B 84+, C 84+, D 42, E 0+ (no assessment after first dose). KM: at 42, 4 at risk,
/// 1 event -> 0.75; at 126, 1 at risk, 1 event -> 0. Median 126. 2 events, 3 censored.
/// OS: A 126+, B 84+, C 84+, D 100, E 21+. KM: at 100, 2 at risk, 1 event -> 0.5 = median 100. 1 event, 4 censored.
/// DOR: A 42 -> 126 = 84; B 42 -> 84+ = 42+. KM: at 84, 1 at risk, 1 event -> 0; median 84.
/// TTR: A 42, B 42: at 42, 2 events -> 0; median 42.
/// </summary>
public sealed class EfficacyOperationTests : IAsyncLifetime
{
    private readonly TrialStore _trial = new();

    public Task InitializeAsync() => _trial.InitializeAsync();
    public Task DisposeAsync() => _trial.DisposeAsync();

    private async Task AddCohortAsync()
    {
        await AddAsync(_trial, "a", Sizes((-4, Mm(50)), (42, Mm(30)), (84, Mm(30)), (126, Mm(40))), enrolled: "2025-01-01");
        await AddAsync(_trial, "b", Sizes((-4, Mm(50)), (42, Mm(0)), (84, Mm(0))), enrolled: "2025-01-02");
        await AddAsync(_trial, "c", Sizes((-4, Mm(50)), (42, Mm(45)), (84, Mm(45))), enrolled: "2025-01-03");
        await AddAsync(_trial, "d", Sizes((-4, Mm(50)), (42, Mm(65))), enrolled: "2025-01-04", deceased: Day(100));
        await AddAsync(_trial, "e", Sizes((-4, Mm(50))), enrolled: "2025-01-05", lastDoseDay: 21);
        await AddAsync(_trial, "f", Sizes((-4, Mm(50))), enrolled: "2025-01-06", treated: false);
    }

    [Fact]
    public async Task Efficacy_matches_the_hand_computation()
    {
        await AddCohortAsync();

        var p = await new RecistOperations(_trial).EfficacyAsync();

        Assert.Equal(5, p.Out("treated").Int());
        Assert.Equal(5, p.Out("evaluable").Int());
        Assert.Equal(2, p.Out("responders").Int());
        Assert.Equal(0.4m, p.Out("orr").Dec());
        Assert.Equal(0.052745m, p.Out("orrLower").Dec());
        Assert.Equal(0.853367m, p.Out("orrUpper").Dec());
        Assert.Equal(0.6m, p.Out("dcr").Dec());

        var pfs = p.All("pfs").Single();
        Assert.Equal((2, 3, 126m), (pfs.Part("events").Int(), pfs.Part("censored").Int(), pfs.Part("median").Dec()));
        Assert.Equal([(0m, 1m, 5), (42m, 0.75m, 4), (84m, 0.75m, 3), (126m, 0m, 1)], Points(pfs));

        var os = p.All("os").Single();
        Assert.Equal((1, 4, 100m), (os.Part("events").Int(), os.Part("censored").Int(), os.Part("median").Dec()));
        Assert.Equal([(0m, 1m, 5), (21m, 1m, 5), (84m, 1m, 4), (100m, 0.5m, 2), (126m, 0.5m, 1)], Points(os));

        var dor = p.All("dor").Single();
        Assert.Equal((1, 1, 84m), (dor.Part("events").Int(), dor.Part("censored").Int(), dor.Part("median").Dec()));
        var ttr = p.All("ttr").Single();
        Assert.Equal((2, 0, 42m), (ttr.Part("events").Int(), ttr.Part("censored").Int(), ttr.Part("median").Dec()));

        var bor = p.All("bor").ToDictionary(b => b.Part("code").Text()!, b => b.Part("count").Int());
        Assert.Equal(new Dictionary<string, int> { ["CR"] = 1, ["PR"] = 1, ["SD"] = 1, ["NON-CR/NON-PD"] = 0, ["PD"] = 1, ["NE"] = 1 }, bor);
        ApprovedFile.Verify("efficacy-hand-cohort", p);
    }

    [Fact]
    public async Task Interim_counts_the_evaluated_in_enrollment_order()
    {
        await AddCohortAsync();

        var p = await new RecistOperations(_trial).InterimAsync("2025-07-01");

        // Day 176: A, B responders; D (PD) a non-responder; C (SD) and E (no scan) are past the 168-day horizon, so
        // final non-responders; F (awaiting first dose) pending.
        // Stage 1 (12) has 2 > r1 = 1 responses: passed; 2 <= r = 5 with 5 of 28 final: continue.
        Assert.Equal(2, p.Out("stage").Int());
        Assert.Equal(5, p.Out("stage1Evaluated").Int());
        Assert.Equal(2, p.Out("stage1Responders").Int());
        Assert.Equal(2, p.Out("responders").Int());
        Assert.Equal("continue", p.Out("decision").Text());
        Assert.Equal(0.0477m, p.Out("alpha").Dec()!.Value, 3);
        Assert.Equal(0.843m, p.Out("power").Dec()!.Value, 3);
        Assert.Equal(0.659m, p.Out("pet").Dec()!.Value, 3);
        Assert.Equal("2025-07-01", p.Out("cutoff").Text());
        var pending = Assert.Single(p.Parameter, x => x.Name == "pending");
        Assert.Equal("ResearchSubject/rs-f", pending.Part("subject").Ref());
        ApprovedFile.Verify("interim-hand-cohort", p);
    }

    [Fact]
    public async Task Interim_as_of_an_earlier_day_sees_only_what_was_known_then()
    {
        await AddCohortAsync();

        // On day 60 (2025-03-07): A and B have one unconfirmed response each, C has one SD scan on day 42 and E none,
        // all inside the horizon (pending); D progressed (final); F awaits first dose: stage 1 pending, never stop.
        var p = await new RecistOperations(_trial).InterimAsync(Day(60));

        Assert.Equal(1, p.Out("stage").Int());
        Assert.Equal(1, p.Out("stage1Evaluated").Int());
        Assert.Equal(["rs-a", "rs-b", "rs-c", "rs-e", "rs-f"], p.Parameter.Where(x => x.Name == "pending")
            .Select(x => x.Part("subject").Ref()["ResearchSubject/".Length..]));
        Assert.Equal(0, p.Out("responders").Int());
        Assert.Equal("pending", p.Out("decision").Text());
    }

    [Fact]
    public async Task Efficacy_at_an_earlier_cutoff_forgets_later_scans_doses_and_deaths()
    {
        await AddCohortAsync();

        // Day 90: A's day-126 PD and D's day-100 death are not yet known; A and B are confirmed on day 84.
        var p = await new RecistOperations(_trial).EfficacyAsync(cutoff: Day(90));

        Assert.Equal(Day(90), p.Out("cutoff").Text());
        Assert.Equal(2, p.Out("responders").Int());
        var os = p.All("os").Single();
        Assert.Equal(0, os.Part("events").Int());
        var pfs = p.All("pfs").Single();
        Assert.Equal(1, pfs.Part("events").Int());   // D's day-42 PD only
    }

    [Theory]
    [InlineData(42 + 50, InterimResponseStatus.Pending)]    // overdue but inside the 168-day horizon: a later scan may confirm
    [InlineData(168, InterimResponseStatus.NonResponder)]   // horizon reached, confirmation long overdue
    public void An_unconfirmed_response_is_pending_until_the_horizon(int asOfDay, InterimResponseStatus expected)
    {
        var lesion = new Lesion("T1", LesionRole.Target, false);
        var facts = new SubjectFacts("s", "p", "on-study", FirstDose, FirstDose, null, null, [lesion],
            [new TargetMeasurement("T1", FirstDose.AddDays(-4), 50m), new TargetMeasurement("T1", FirstDose.AddDays(42), 30m)], [], []);
        var recist = facts.EvaluateRecist(StudySettings.Default);
        var subject = new StudySubject(facts, recist, facts.ToOutcome(recist));

        var standing = InterimStanding.Of(subject, StudySettings.Default, FirstDose.AddDays(asOfDay));

        Assert.Equal(expected, standing!.Status);
    }

    private static List<(decimal Time, decimal Survival, int AtRisk)> Points(Parameters.ParameterComponent curve) =>
        curve.Part.Where(x => x.Name == "point")
            .Select(x => (x.Part("time").Dec()!.Value, x.Part("survival").Dec()!.Value, x.Part("atRisk").Int()))
            .ToList();
}
