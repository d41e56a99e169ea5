using FhirTrial.Trial.Endpoints;
using FhirTrial.Trial.Recist;
using FhirTrial.Trial.Settings;

namespace FhirTrial.Trial.Tests.Endpoints;

/// <summary>
/// Event and censoring rules of PFS, OS, DOR and TTR. Days are study days (day 0 = first dose); "-" = none;
/// evaluable assessments are a list of days (the first PD, when any, is among them as it is in a RECIST result).
/// </summary>
public class TimeToEventTests
{
    private static readonly DateOnly FirstDose = new(2024, 3, 1);

    [Theory]
    //          assessments     PD    death  ->  days  event
    [InlineData("42 84",        "-",  "-",       84,   false)] // censored at the last evaluable assessment
    [InlineData("",             "-",  "-",       0,    false)] // none: censored at first dose
    [InlineData("42 84",        "84", "-",       84,   true)]
    [InlineData("42 84 126",    "126", "100",    100,  true)]  // death before PD
    [InlineData("42 84",        "84", "200",     84,   true)]
    [InlineData("42",           "-",  "133",     133,  true)]  // 91 days after the last assessment: still an event
    [InlineData("42",           "-",  "134",     42,   false)] // 92 days: censored at the last assessment
    [InlineData("42 134",       "134", "-",      42,   false)] // PD seen after two missed assessments
    [InlineData("42 133",       "133", "-",      133,  true)]
    [InlineData("",             "-",  "91",      91,   true)]  // death with no assessment, within 91 days of first dose
    [InlineData("",             "-",  "92",      0,    false)]
    public void Progression_free_survival(string assessments, string pd, string death, int days, bool isEvent)
    {
        var subject = Subject(Response.SD, assessments, pd: pd, death: death);

        var sample = TimeToEvent.ProgressionFreeSurvival(subject, StudySettings.Default);

        Assert.Equal((days, isEvent), (sample!.Days, sample.Event));
    }

    [Theory]
    [InlineData("300", "-", 300, true)]
    [InlineData("-", "250", 250, false)]
    [InlineData("-", "-", 0, false)]
    public void Overall_survival(string death, string lastAlive, int days, bool isEvent)
    {
        var sample = TimeToEvent.OverallSurvival(Subject(Response.SD, "42", death: death, lastAlive: lastAlive));

        Assert.Equal((days, isEvent), (sample!.Days, sample.Event));
    }

    [Theory]
    //          assessments       PD     death  ->  days  event
    [InlineData("42 84 126",      "126", "-",       84,   true)]
    [InlineData("42 84 126",      "-",   "-",       84,   false)] // censored at the last assessment
    [InlineData("42 84",          "-",   "200",     42,   false)] // death 116 days after the last assessment
    [InlineData("42 84",          "-",   "150",     108,  true)]
    public void Duration_of_response_runs_from_the_first_response(string assessments, string pd, string death, int days, bool isEvent)
    {
        var subject = Subject(Response.PR, assessments, firstResponse: "42", pd: pd, death: death);

        var sample = TimeToEvent.DurationOfResponse(subject, StudySettings.Default);

        Assert.Equal((days, isEvent), (sample!.Days, sample.Event));
    }

    [Fact]
    public void Time_to_response_is_an_event_for_every_confirmed_responder()
    {
        var sample = TimeToEvent.TimeToResponse(Subject(Response.CR, "42 84", firstResponse: "42"));

        Assert.Equal((42, true), (sample!.Days, sample.Event));
    }

    [Fact]
    public void Response_endpoints_leave_out_non_responders_and_survival_endpoints_the_untreated()
    {
        var stable = Subject(Response.SD, "42 84");
        var untreated = SubjectOutcome.NotTreated("s2");

        Assert.Null(TimeToEvent.DurationOfResponse(stable, StudySettings.Default));
        Assert.Null(TimeToEvent.TimeToResponse(stable));
        Assert.Null(TimeToEvent.ProgressionFreeSurvival(untreated, StudySettings.Default));
        Assert.Null(TimeToEvent.OverallSurvival(untreated));
    }

    [Theory]
    //          assessments  PD    death  therapy  ->  days  event
    [InlineData("42",        "-",  "-",   "60",        42,   false)] // no event: censored at the last assessment before therapy
    [InlineData("42",        "-",  "100", "60",        42,   false)] // death after new therapy: censored, not an event
    [InlineData("42",        "-",  "50",  "60",        50,   true)]  // death before new therapy: an event
    [InlineData("42 84",     "84", "-",   "100",       84,   true)]  // PD before new therapy: an event
    public void New_anticancer_therapy_censors_PFS_at_the_last_assessment_before_it(
        string assessments, string pd, string death, string therapy, int days, bool isEvent)
    {
        var subject = Subject(Response.SD, assessments, pd: pd, death: death) with { NewTherapyDate = Day(therapy) };

        var pfs = TimeToEvent.ProgressionFreeSurvival(subject, StudySettings.Default)!;
        var os = TimeToEvent.OverallSurvival(subject)!;

        Assert.Equal((days, isEvent), (pfs.Days, pfs.Event));
        Assert.Equal(death != "-", os.Event);   // OS is unaffected by new therapy
    }

    internal static SubjectOutcome Subject(Response bor, string assessments, string firstResponse = "-", string pd = "-", string death = "-", string lastAlive = "-") =>
        new("s1", FirstDose, true, bor, Day(firstResponse), Day(pd), Day(death), Day(lastAlive),
            assessments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(d => FirstDose.AddDays(int.Parse(d))).ToList());

    private static DateOnly? Day(string day) => day == "-" ? null : FirstDose.AddDays(int.Parse(day));
}
