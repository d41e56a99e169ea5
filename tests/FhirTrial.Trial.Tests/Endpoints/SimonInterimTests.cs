using FhirTrial.Trial.Endpoints;
using FhirTrial.Trial.Recist;
using FhirTrial.Trial.Settings;

namespace FhirTrial.Trial.Tests.Endpoints;

/// <summary>
/// Interim decisions of the 12/1/28/5 design. Subjects in enrollment order: R confirmed responder,
/// N non-responder, P pending (spaces only for reading).
/// </summary>
public class SimonInterimTests
{
    [Theory]
    //          subjects                                   stage  stage1 eval  stage1 resp  resp  decision
    [InlineData("",                                         1,     0,           0,           0,    "pending")]
    [InlineData("NNNNNN NNNNN",                             1,     11,          0,           0,    "pending")]
    [InlineData("RNNNNN NNNNNP",                            1,     11,          1,           1,    "pending")]
    [InlineData("NNNNNN NNNNNN",                            1,     12,          0,           0,    "stop")]
    [InlineData("RNNNNN NNNNNN",                            1,     12,          1,           1,    "stop")]
    [InlineData("NNNNNN NNNNNR R",                          1,     12,          1,           2,    "stop")] // the 13th is not in stage 1
    [InlineData("RR",                                       2,     2,           2,           2,    "continue")] // passed before stage 1 is full
    [InlineData("RNNNNN NNNNNR NNNN",                       2,     12,          2,           2,    "continue")]
    [InlineData("RRRRRR",                                   2,     6,           6,           6,    "promising")]
    [InlineData("RNNNNN NNNNNR NNNNNN NNNNNN RRRR",         2,     12,          2,           6,    "promising")]
    [InlineData("RNNNNN NNNNNR NNNNNN NNNNNN RRRN",         2,     12,          2,           5,    "not-promising")]
    [InlineData("RNNNNN NNNNNR NNNNNN NNNNNN RRRP",         2,     12,          2,           5,    "continue")]
    [InlineData("RNNNNN NNNNNR NNNNNN NNNNNN RRRN RR",      2,     12,          2,           5,    "not-promising")] // over-enrollment ignored
    public void Interim_decision(string subjects, int stage, int stage1Evaluated, int stage1Responders, int responders, string decision)
    {
        var interim = SimonInterim.Decide(new SimonDesign(12, 1, 28, 5), Parse(subjects));

        Assert.Equal((stage, stage1Evaluated, stage1Responders, responders, decision),
            (interim.Stage, interim.Stage1Evaluated, interim.Stage1Responders, interim.Responders, interim.Decision.ToCode()));
        Assert.NotEmpty(interim.Reasons);
    }

    private static readonly DateOnly FirstDose = new(2024, 3, 1);

    /// <summary>
    /// Worked examples of the final-outcome rule (issue 15; ADR 0006): days count from first dose; the cut-off is
    /// <c>cutoffDay</c>; the horizon is 168 days; an unconfirmed CR/PR is due for confirmation 49 days later.
    /// </summary>
    [Theory]
    //          bor   resp  pd    death left  therapy cutoff unconfirmed expected
    [InlineData("PR", 42,   null, null, false, null,   100,   null,       InterimResponseStatus.Responder)]    // confirmed
    [InlineData("SD", null, null, null, false, null,   50,    null,       InterimResponseStatus.Pending)]      // one SD scan, inside the horizon
    [InlineData("SD", null, null, null, false, null,   167,   null,       InterimResponseStatus.Pending)]      // day 167 < 168
    [InlineData("SD", null, null, null, false, null,   168,   null,       InterimResponseStatus.NonResponder)] // horizon reached
    [InlineData("NE", null, null, null, false, null,   60,    null,       InterimResponseStatus.Pending)]      // no verdict yet
    [InlineData("NE", null, null, null, false, null,   200,   null,       InterimResponseStatus.NonResponder)] // no verdict by the horizon
    [InlineData("PD", null, 42,   null, false, null,   50,    null,       InterimResponseStatus.NonResponder)] // PD is final
    [InlineData("NE", null, null, 20,   false, null,   50,    null,       InterimResponseStatus.NonResponder)] // death is final
    [InlineData("NE", null, null, null, true,  null,   50,    null,       InterimResponseStatus.NonResponder)] // left with NE: final, not pending forever
    [InlineData("SD", null, null, null, false, 60,     70,    null,       InterimResponseStatus.NonResponder)] // new anticancer therapy
    [InlineData("SD", null, null, null, false, null,   92,    42,         InterimResponseStatus.Pending)]      // unconfirmed PR, confirmation overdue, inside horizon
    [InlineData("SD", null, null, null, false, null,   180,   140,        InterimResponseStatus.Pending)]      // past horizon, PR of day 140 due by day 189
    [InlineData("SD", null, null, null, false, null,   190,   140,        InterimResponseStatus.NonResponder)] // ... and overdue on day 190
    public void A_stage1_subject_is_final_only_with_a_final_outcome(
        string bor, int? responseDay, int? progressionDay, int? deathDay, bool left, int? therapyDay, int cutoffDay, int? unconfirmedDay,
        InterimResponseStatus expected)
    {
        var outcome = new SubjectOutcome("s1", FirstDose, true, ResponseCodes.Parse(bor), Day(responseDay), Day(progressionDay), Day(deathDay), null, [])
        {
            LeftStudy = left,
            NewTherapyDate = Day(therapyDay),
        };

        var standing = InterimSubject.Assess(outcome, false, Day(unconfirmedDay), FirstDose.AddDays(cutoffDay), StudySettings.Default)!;

        Assert.Equal(expected, standing.Status);
        Assert.NotEmpty(standing.Reason);
    }

    [Fact]
    public void Eleven_subjects_with_one_SD_scan_inside_the_horizon_never_stop()
    {
        // Eleven on treatment with one SD scan at day 42, a twelfth progressed; cut-off day 50 for everyone.
        var sd = Enumerable.Range(1, 11).Select(i =>
            new SubjectOutcome($"s{i}", FirstDose, true, Response.SD, null, null, null, null, [FirstDose.AddDays(42)]));
        var pd = new SubjectOutcome("s12", FirstDose, true, Response.PD, null, FirstDose.AddDays(42), null, null, [FirstDose.AddDays(42)]);
        var standings = sd.Append(pd).Select(o => InterimSubject.Assess(o, false, null, FirstDose.AddDays(50), StudySettings.Default)!).ToList();

        var interim = SimonInterim.Decide(new SimonDesign(12, 1, 28, 5), standings);

        Assert.Equal("pending", interim.Decision.ToCode());
        Assert.Equal(1, interim.Stage1Evaluated);
        Assert.Equal(Enumerable.Range(1, 11).Select(i => $"s{i}"), interim.Pending.Select(p => p.SubjectId));
        Assert.All(interim.Pending, p => Assert.Contains("day 50 of 168", p.Reason));
    }

    [Fact]
    public void Not_yet_dosed_subjects_keep_their_slot_and_the_undosed_who_left_do_not()
    {
        var waiting = SubjectOutcome.NotTreated("w");
        var gone = SubjectOutcome.NotTreated("g") with { LeftStudy = true };

        Assert.Equal(InterimResponseStatus.Pending, InterimSubject.Assess(waiting, true, null, FirstDose, StudySettings.Default)!.Status);
        Assert.Null(InterimSubject.Assess(gone, true, null, FirstDose, StudySettings.Default));
        Assert.Null(InterimSubject.Assess(waiting, false, null, FirstDose, StudySettings.Default));
    }

    private static DateOnly? Day(int? d) => d is { } v ? FirstDose.AddDays(v) : null;

    private static List<InterimSubject> Parse(string subjects) =>
        subjects.Replace(" ", "")
            .Select((c, i) => new InterimSubject($"s{i + 1}", c switch
            {
                'R' => InterimResponseStatus.Responder,
                'N' => InterimResponseStatus.NonResponder,
                _ => InterimResponseStatus.Pending,
            }))
            .ToList();
}
