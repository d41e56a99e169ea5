using FhirTrial.Trial.Fhir.Common;
using FhirTrial.Trial.Fhir.Protocol;
using Hl7.Fhir.Model;
using static FhirTrial.Trial.Fhir.Tests.Fhir;

namespace FhirTrial.Trial.Fhir.Tests;

/// <summary>
/// <c>$protocol-deviations</c> through FHIR data: first dose 2025-01-06 (day 0), weight 58 kg unless a test says otherwise,
/// so lenvatinib 8 mg and cadonilimab 580 mg (522..638 mg) are the protocol's doses.
/// </summary>
public sealed class ProtocolDeviationsOperationTests : IAsyncLifetime
{
    private const string P = "pd";
    private const string Day0 = "2025-01-06";
    private static readonly DateOnly FirstDose = new(2025, 1, 6);
    private readonly TrialStore _trial = new();

    public Task InitializeAsync() => _trial.InitializeAsync();
    public Task DisposeAsync() => _trial.DisposeAsync();

    private static string Day(int day) => FirstDose.AddDays(day).ToString("yyyy-MM-dd");

    private async Task<IReadOnlyList<Parameters.ParameterComponent>> DeviationsAsync(string? asOf, params Resource[] record)
    {
        await _trial.PutAsync(Patient(P));
        await _trial.PutAsync(Subject("rs", P, "2025-01-02"));
        await _trial.PutAllAsync(record);
        var op = new ProtocolDeviationsOperation(_trial.Records);
        var request = asOf is null ? TrialStore.Get("ResearchSubject", "rs") : TrialStore.Get("ResearchSubject", "rs", ("cutoff", asOf));
        var result = (Parameters)(await op.ExecuteAsync(request, default)).Resource!;
        return result.All("deviation").ToArray();
    }

    private static string[] Kinds(IEnumerable<Parameters.ParameterComponent> deviations) =>
        deviations.Select(d => d.Part("kind").Text()).ToArray();

    private static Observation Weight(string date, decimal value, string unit = "kg") => Lab(P, TrialCodes.BodyWeight, date, value, unit);

    [Theory]
    [InlineData(58, 8, false)]
    [InlineData(58, 12, true)]
    [InlineData(60, 12, false)]
    [InlineData(60, 8, true)]
    [InlineData(59.9, 12, true)]
    public async Task Lenvatinib_start_dose_follows_the_weight_rule(decimal kg, decimal mg, bool deviation)
    {
        var found = await DeviationsAsync(Day(60),
            Weight("2025-01-03", kg), Prescribed(P, Day0, mg), Given(P, "lenvatinib", Day0, mg));

        var lenvatinib = found.Where(d => d.Part("kind").Text() == "lenvatinib-dose").ToArray();
        Assert.Equal(deviation, lenvatinib.Length > 0);
        if (deviation)
        {
            Assert.Equal(Day0, lenvatinib[0].Part("date").Text());
            Assert.Contains(lenvatinib[0].Parts("evidence").Cast<ResourceReference>(), r => r.Reference!.StartsWith("Observation/"));
        }
    }

    [Theory]
    // prescribed (day -3)  given (day 0)  weight on day 0  deviation
    [InlineData(12,         8,             58,              false)] // the prescription is wrong, the first administration right
    [InlineData(8,          12,            58,              true)]  // the prescription is right, the first administration wrong
    [InlineData(8,          12,            61,              false)] // weighed 61 kg on the first dose day: 12 mg is right
    public async Task Lenvatinib_start_dose_is_checked_on_the_first_administration_against_that_days_weight(
        decimal prescribedMg, decimal givenMg, decimal kgOnDay0, bool deviation)
    {
        var found = await DeviationsAsync(Day(60),
            Weight(Day(-10), 58), Weight(Day0, kgOnDay0), Prescribed(P, Day(-3), prescribedMg), Given(P, "lenvatinib", Day0, givenMg));

        var lenvatinib = found.Where(d => d.Part("kind").Text() == "lenvatinib-dose").ToArray();
        Assert.Equal(deviation, lenvatinib.Length > 0);
        Assert.All(lenvatinib, d =>
        {
            Assert.Equal(Day0, d.Part("date").Text());
            Assert.Contains(d.Parts("evidence").Cast<ResourceReference>(), r => r.Reference!.StartsWith("MedicationAdministration/"));
        });
    }

    [Fact]
    public async Task Weight_in_pounds_is_converted_through_UCUM()
    {
        // 140 lb = 63.5 kg: 12 mg is right.
        var found = await DeviationsAsync(Day(10), Weight("2025-01-03", 140, "[lb_av]"), Given(P, "lenvatinib", Day0, 12));
        Assert.DoesNotContain("lenvatinib-dose", Kinds(found));
    }

    [Theory]
    [InlineData(580, false)]
    [InlineData(638, false)]
    [InlineData(639, true)]
    [InlineData(522, false)]
    [InlineData(521, true)]
    public async Task Cadonilimab_dose_is_10_mg_per_kg_within_10_percent(decimal mg, bool deviation)
    {
        var found = await DeviationsAsync(Day(10), Weight("2025-01-03", 58), Given(P, "cadonilimab", Day0, mg, byReference: false));
        Assert.Equal(deviation, Kinds(found).Contains("cadonilimab-dose"));
    }

    [Theory]
    [InlineData(17, "cadonilimab-interval")]
    [InlineData(18, null)]
    [InlineData(21, null)]
    [InlineData(24, null)]
    [InlineData(25, "cadonilimab-delay")]
    public async Task Cadonilimab_interval_is_day_18_to_24(int day, string? kind)
    {
        var found = await DeviationsAsync(Day(30),
            Weight("2025-01-03", 58), Given(P, "cadonilimab", Day0, 580), Given(P, "cadonilimab", Day(day), 580));

        var intervals = Kinds(found).Where(k => k is "cadonilimab-interval" or "cadonilimab-delay").ToArray();
        if (kind is null) Assert.Empty(intervals);
        else
        {
            Assert.Equal([kind], intervals);
            Assert.Equal(Day(day), found.Single(d => d.Part("kind").Text() == kind).Part("date").Text());
        }
    }

    [Theory]
    [InlineData(42, null)]
    [InlineData(35, null)]
    [InlineData(49, null)]
    [InlineData(34, "assessment-window")]
    [InlineData(50, "assessment-window")]
    public async Task Assessments_are_due_every_42_days_within_7(int day, string? kind)
    {
        var t1 = Lesion(P, "pd-t1", "target");
        var found = await DeviationsAsync(Day(60),
            Given(P, "cadonilimab", Day0, 580), t1, Size(P, t1, "2025-01-02", 40), Size(P, t1, Day(day), 38));

        var schedule = Kinds(found).Where(k => k!.StartsWith("assessment")).ToArray();
        Assert.Equal(kind is null ? [] : new[] { kind }, schedule);
    }

    [Fact]
    public async Task A_visit_is_missed_once_its_window_closes()
    {
        var t1 = Lesion(P, "pd-t1", "target");
        Resource[] record = [Given(P, "cadonilimab", Day0, 580), t1, Size(P, t1, "2025-01-02", 40), Size(P, t1, Day(42), 38)];

        // Visit 2 is due on day 84, its window closes on day 91.
        Assert.DoesNotContain("assessment-missed", Kinds(await DeviationsAsync(Day(91), record)));
        var missed = (await DeviationsAsync(Day(92), record)).Single(d => d.Part("kind").Text() == "assessment-missed");
        Assert.Equal(Day(84), missed.Part("date").Text());
    }

    [Fact]
    public async Task Data_after_the_cutoff_count_for_nothing_and_the_cutoff_is_echoed()
    {
        var t1 = Lesion(P, "pd-t1", "target");
        await _trial.PutAsync(Patient(P));
        await _trial.PutAsync(Subject("rs", P, "2025-01-02"));
        // A cadonilimab dose on day 10 (a cadonilimab-interval deviation) is after the day-5 cut-off.
        await _trial.PutAllAsync([Given(P, "cadonilimab", Day0, 580), Given(P, "cadonilimab", Day(10), 580), t1, Size(P, t1, "2025-01-02", 40)]);
        var op = new ProtocolDeviationsOperation(_trial.Records);

        var early = (Parameters)(await op.ExecuteAsync(TrialStore.Post("ResearchSubject", "rs", new Parameters { { "cutoff", new Date(Day(5)) } }), default)).Resource!;
        var late = (Parameters)(await op.ExecuteAsync(TrialStore.Get("ResearchSubject", "rs", ("cutoff", Day(20))), default)).Resource!;

        Assert.Equal(Day(5), early.Out("cutoff").Text());
        Assert.Empty(early.All("deviation"));
        Assert.Contains("cadonilimab-interval", Kinds(late.All("deviation")));
    }

    [Fact]
    public async Task Progression_ends_the_schedule()
    {
        var t1 = Lesion(P, "pd-t1", "target");
        var n1 = Lesion(P, "pd-n1", "new");
        var found = await DeviationsAsync(Day(200),
            Given(P, "cadonilimab", Day0, 580), t1, n1,
            Size(P, t1, "2025-01-02", 40), Size(P, t1, Day(42), 41), NewLesion(P, n1, Day(42), "unequivocal"));

        Assert.DoesNotContain("assessment-missed", Kinds(found));
    }

    [Fact]
    public async Task An_equivocal_new_lesion_does_not_end_the_schedule()
    {
        var t1 = Lesion(P, "pd-t1", "target");
        var n1 = Lesion(P, "pd-n1", "new");
        var found = await DeviationsAsync(Day(100),
            Given(P, "cadonilimab", Day0, 580), t1, n1,
            Size(P, t1, "2025-01-02", 40), Size(P, t1, Day(42), 41), NewLesion(P, n1, Day(42), "equivocal"));

        Assert.Contains("assessment-missed", Kinds(found));
    }

    [Fact]
    public async Task Death_and_off_study_end_the_schedule()
    {
        await _trial.PutAsync(Patient(P, deceased: Day(50)));
        var op = new ProtocolDeviationsOperation(_trial.Records);
        await _trial.PutAsync(Subject("rs", P, "2025-01-02"));
        await _trial.PutAsync(Given(P, "cadonilimab", Day0, 580));
        var result = (Parameters)(await op.ExecuteAsync(TrialStore.Get("ResearchSubject", "rs", ("date", Day(300))), default)).Resource!;
        Assert.Equal(["assessment-missed"], Kinds(result.All("deviation")));   // visit 1 only (window closed day 49)

        await _trial.PutAsync(Patient(P));
        var offStudy = Subject("rs", P, "2025-01-02");
        offStudy.Period!.End = Day(20);
        await _trial.PutAsync(offStudy);
        result = (Parameters)(await op.ExecuteAsync(TrialStore.Get("ResearchSubject", "rs", ("date", Day(300))), default)).Resource!;
        Assert.Empty(result.All("deviation"));
    }

    [Fact]
    public async Task No_study_drug_given_means_no_deviations()
    {
        Assert.Empty(await DeviationsAsync(Day(300), Weight("2025-01-03", 58)));
    }
}
