using FhirTrial.Trial.Fhir.Common;
using Hl7.Fhir.Model;
using static FhirTrial.Trial.Fhir.Tests.Fhir;
using static FhirTrial.Trial.Fhir.Tests.Recist.RecistSubjects;

namespace FhirTrial.Trial.Fhir.Tests.Recist;

/// <summary>
/// RECIST 1.1 rules of issue 15 through FHIR data and <c>$recist-response</c> (ADR 0006): baseline per lesion, new lesions
/// without a baseline, equivocal new lesions confirmed later. First dose 2025-01-06 (day 0).
/// </summary>
public sealed class RecistRulesOperationTests : IAsyncLifetime
{
    private const string P = "rr";
    private readonly TrialStore _trial = new();

    public Task InitializeAsync() => _trial.InitializeAsync();
    public Task DisposeAsync() => _trial.DisposeAsync();

    private async Task<RecistOperations> SubjectAsync(params Resource[] record)
    {
        await _trial.PutAsync(Patient(P));
        await _trial.PutAsync(Subject("rs-rr", P, "2025-01-03"));
        await _trial.PutAllAsync([Given(P, "cadonilimab", Day(0), 700m), .. record]);
        return new RecistOperations(_trial);
    }

    private static Observation Status(BodyStructure lesion, string date, string status)
    {
        var o = Observation(P, TrialCodes.RecistSystem, TrialCodes.NonTargetStatus, date, new CodeableConcept(TrialCodes.RecistSystem, status));
        o.Focus.Add(Ref(lesion));
        return o;
    }

    [Fact]
    public async Task A_CT_on_day_minus_10_and_a_bone_scan_on_day_minus_2_make_one_baseline()
    {
        var t1 = Lesion(P, "rr-t1", "target");
        var bone = Lesion(P, "rr-nt1", "non-target");
        var operations = await SubjectAsync(t1, bone,
            Size(P, t1, Day(-10), 40m), Status(bone, Day(-2), "present"),
            Size(P, t1, Day(42), 25m), Status(bone, Day(42), "present"));

        var p = await operations.GetRecistAsync("rs-rr");

        Assert.Equal(40m, p.Out("baselineSum").Dec());
        var tp = Assert.Single(p.All("timepoint"));
        Assert.Equal(("PR", "NON-CR/NON-PD", "PR"), (tp.Part("targetResponse").Text(), tp.Part("nonTargetResponse").Text(), tp.Part("overallResponse").Text()));
        Assert.Contains(p.All("reason"), r => r.Value.Text().StartsWith("baseline per lesion"));
    }

    [Fact]
    public async Task An_unequivocal_new_lesion_without_a_baseline_is_PD_on_that_scan_and_not_evaluable()
    {
        var t1 = Lesion(P, "rr-t1", "target");
        var n1 = Lesion(P, "rr-n1", "new");
        var operations = await SubjectAsync(t1, n1, Size(P, t1, Day(-45), 40m), Size(P, t1, Day(42), 40m), NewLesion(P, n1, Day(42), "unequivocal"));

        var p = await operations.GetRecistAsync("rs-rr");
        var efficacy = await operations.EfficacyAsync();

        Assert.Null(p.Out("baselineSum"));
        Assert.Equal("PD", p.Out("bestOverallResponse").Text());
        Assert.Equal(Day(42), p.Out("progressionDate").Text());
        Assert.Equal((1, 0), (efficacy.Out("treated").Int(), efficacy.Out("evaluable").Int()));
        Assert.Equal(1, efficacy.All("pfs").Single().Part("events").Int());
    }

    [Fact]
    public async Task An_equivocal_new_lesion_confirmed_later_dates_PD_to_its_first_scan()
    {
        var t1 = Lesion(P, "rr-t1", "target");
        var n1 = Lesion(P, "rr-n1", "new");
        var operations = await SubjectAsync(t1, n1, Size(P, t1, Day(-4), 50m),
            Size(P, t1, Day(42), 30m), NewLesion(P, n1, Day(42), "equivocal"),
            Size(P, t1, Day(84), 30m), NewLesion(P, n1, Day(84), "unequivocal"));

        var p = await operations.GetRecistAsync("rs-rr");

        Assert.Equal(["PD", "PD"], p.All("timepoint").Select(t => t.Part("overallResponse").Text()));
        Assert.Equal(Day(42), p.Out("progressionDate").Text());
        Assert.Equal("PD", p.Out("bestOverallResponse").Text());
        Assert.Contains(p.All("timepoint").First().Parts("reason"), r => r.Text().Contains("4.3.2"));
    }
}
