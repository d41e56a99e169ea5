using FhirTrial.Trial.Endpoints;
using FhirTrial.Trial.Recist;

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

    [Theory]
    [InlineData("PR", 42, null, null, InterimResponseStatus.Responder)]
    [InlineData("SD", null, null, null, InterimResponseStatus.NonResponder)]
    [InlineData("PD", null, 42, null, InterimResponseStatus.NonResponder)]
    [InlineData("NE", null, null, null, InterimResponseStatus.Pending)]
    [InlineData("NE", null, null, 20, InterimResponseStatus.NonResponder)]
    public void Interim_status_from_a_subjects_outcome(string bor, int? responseDay, int? progressionDay, int? deathDay, InterimResponseStatus expected)
    {
        var firstDose = new DateOnly(2024, 3, 1);
        DateOnly? Day(int? d) => d is { } v ? firstDose.AddDays(v) : null;
        var outcome = new SubjectOutcome("s1", firstDose, true, ResponseCodes.Parse(bor), Day(responseDay), Day(progressionDay), Day(deathDay), null, []);

        Assert.Equal(expected, InterimSubject.From(outcome).Status);
    }

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
