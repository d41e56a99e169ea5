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

    [Fact]
    public async Task Three_targets_in_one_organ_and_a_small_one_are_warnings_and_recist_selection_deviations()
    {
        // The Fhir.Lesion helper puts every lesion in the kidney (SNOMED 64033007).
        var t = Enumerable.Range(1, 3).Select(i => Lesion(P, $"rr-t{i}", "target")).ToArray();
        var operations = await SubjectAsync([.. t, Size(P, t[0], Day(-4), 30m), Size(P, t[1], Day(-4), 20m), Size(P, t[2], Day(-4), 8m),
            Size(P, t[0], Day(42), 30m), Size(P, t[1], Day(42), 20m), Size(P, t[2], Day(42), 8m)]);

        var p = await operations.GetRecistAsync("rs-rr");
        var deviations = (Parameters)(await new FhirTrial.Trial.Fhir.Protocol.ProtocolDeviationsOperation(_trial.Records)
            .ExecuteAsync(TrialStore.Get("ResearchSubject", "rs-rr", ("cutoff", Day(50))), default)).Resource!;

        var warnings = p.All("warning").Select(w => w.Value.Text()).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, w => w.StartsWith("3 target lesions in http://snomed.info/sct|64033007"));
        Assert.Contains(warnings, w => w.StartsWith("target rr-t3 is 8 mm at baseline"));
        var selection = deviations.All("deviation").Where(d => d.Part("kind").Text() == "recist-selection").ToList();
        Assert.Equal(2, selection.Count);
        Assert.All(selection, d => Assert.Equal(Day(-4), d.Part("date").Text()));
        Assert.All(selection, d => Assert.All(d.Parts("evidence"), e => Assert.StartsWith("Observation/", e.Ref())));
    }
}
