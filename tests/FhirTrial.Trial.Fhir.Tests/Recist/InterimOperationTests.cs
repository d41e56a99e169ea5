using Hl7.Fhir.Model;
using static FhirTrial.Trial.Fhir.Tests.Recist.RecistSubjects;

namespace FhirTrial.Trial.Fhir.Tests.Recist;

/// <summary>
/// <c>$interim</c> counts final outcomes only (issue 15, ADR 0006): twelve stage-1 subjects, baseline 50 mm at day -4,
/// first dose 2025-01-06 (day 0).
/// </summary>
public sealed class InterimOperationTests : IAsyncLifetime
{
    private readonly TrialStore _trial = new();

    public Task InitializeAsync() => _trial.InitializeAsync();
    public Task DisposeAsync() => _trial.DisposeAsync();

    /// <summary>Eleven subjects with one SD scan (45 mm on day 42), still on treatment; a twelfth progressed on day 42.</summary>
    private async Task AddElevenStableAndOneProgressedAsync()
    {
        for (var i = 1; i <= 11; i++)
            await AddAsync(_trial, $"s{i:00}", Sizes((-4, Mm(50)), (42, Mm(45))), enrolled: $"2025-01-{i:00}", lastDoseDay: 42);
        await AddAsync(_trial, "s12", Sizes((-4, Mm(50)), (42, Mm(70))), enrolled: "2025-01-12", lastDoseDay: 42);
    }

    [Fact]
    public async Task Eleven_subjects_with_one_SD_scan_inside_the_horizon_are_pending_not_stop()
    {
        await AddElevenStableAndOneProgressedAsync();

        var p = await new RecistOperations(_trial).InterimAsync(Day(50));

        Assert.Equal("pending", p.Out("decision").Text());
        Assert.Equal(1, p.Out("stage1Evaluated").Int());
        Assert.Equal(Day(50), p.Out("cutoff").Text());
        var pending = p.Parameter.Where(x => x.Name == "pending").ToList();
        Assert.Equal(11, pending.Count);
        Assert.All(pending, x => Assert.Contains("day 50 of 168", x.Part("reason").Text()));
    }

    [Fact]
    public async Task The_same_subjects_past_the_horizon_are_final_and_stop()
    {
        await AddElevenStableAndOneProgressedAsync();

        // Day 168 with nothing new: every subject is final, none responded: stop for futility.
        var p = await new RecistOperations(_trial).InterimAsync(Day(168));

        Assert.Equal("stop", p.Out("decision").Text());
        Assert.Equal(12, p.Out("stage1Evaluated").Int());
        Assert.DoesNotContain(p.Parameter, x => x.Name == "pending");
    }

    [Fact]
    public async Task A_subject_who_left_with_NE_is_final()
    {
        await AddElevenStableAndOneProgressedAsync();
        // A thirteenth enrolled earlier (so in stage 1), dosed once, no scan after baseline, then off study on day 30.
        await AddAsync(_trial, "left", Sizes((-4, Mm(50))), enrolled: "2024-12-31", lastDoseDay: 0,
            status: ResearchSubject.ResearchSubjectStatus.OffStudy);
        var subject = await _trial.Records.RequireAsync<ResearchSubject>("rs-left", default);
        subject.Period = new Period { Start = "2024-12-31", End = Day(30) };
        await _trial.PutAsync(subject);

        var p = await new RecistOperations(_trial).InterimAsync(Day(50));

        // Stage 1 = the subject who left (final non-responder) and s01..s11: s12 falls outside it.
        Assert.Equal("pending", p.Out("decision").Text());
        Assert.Equal(1, p.Out("stage1Evaluated").Int());
        Assert.DoesNotContain(p.Parameter.Where(x => x.Name == "pending"),
            x => x.Part("subject").Ref() == "ResearchSubject/rs-left");
    }

    [Fact]
    public async Task Two_confirmed_responders_continue_while_others_are_pending()
    {
        await AddAsync(_trial, "r1", Sizes((-4, Mm(50)), (42, Mm(30)), (84, Mm(30))), enrolled: "2025-01-01");
        await AddAsync(_trial, "r2", Sizes((-4, Mm(50)), (42, Mm(20)), (84, Mm(20))), enrolled: "2025-01-02");
        await AddAsync(_trial, "sd", Sizes((-4, Mm(50)), (42, Mm(45))), enrolled: "2025-01-03");

        var p = await new RecistOperations(_trial).InterimAsync(Day(90));

        Assert.Equal("continue", p.Out("decision").Text());
        Assert.Equal(2, p.Out("stage1Responders").Int());
    }

    [Theory]
    [InlineData("response-horizon-days")]
    [InlineData("responseHorizonDays")]
    public async Task The_horizon_is_a_study_setting(string code)
    {
        await AddElevenStableAndOneProgressedAsync();
        var study = await _trial.Records.RequireAsync<ResearchStudy>(TrialStore.StudyId, default);
        study.Extension.Add(new Extension
        {
            Url = FhirTrial.Trial.Fhir.Common.TrialCodes.StudySettingExtension,
            Extension = [new Extension("code", new Code(code)), new Extension("value", new Integer(49))],
        });
        await _trial.PutAsync(study);

        // With a 49-day horizon, day 50 makes every stage-1 subject final.
        var p = await new RecistOperations(_trial).InterimAsync(Day(50));

        Assert.Equal("stop", p.Out("decision").Text());
    }

    [Fact]
    public async Task A_subject_who_left_only_after_the_cutoff_was_still_waiting_for_a_first_dose()
    {
        await AddAsync(_trial, "late", Sizes((-4, Mm(50))), enrolled: "2025-01-01", treated: false,
            status: ResearchSubject.ResearchSubjectStatus.OffStudy);
        var subject = await _trial.Records.RequireAsync<ResearchSubject>("rs-late", default);
        subject.Period = new Period { Start = "2025-01-01", End = Day(100) };
        await _trial.PutAsync(subject);

        var atDay50 = await new RecistOperations(_trial).InterimAsync(Day(50));
        var atDay120 = await new RecistOperations(_trial).InterimAsync(Day(120));

        Assert.Contains(atDay50.All("pending"), x => x.Part("subject").Ref() == "ResearchSubject/rs-late");
        Assert.DoesNotContain(atDay120.All("pending"), x => x.Part("subject").Ref() == "ResearchSubject/rs-late");
    }
}
