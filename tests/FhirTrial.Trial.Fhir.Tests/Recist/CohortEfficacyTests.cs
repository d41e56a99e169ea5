using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Validation;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;

namespace FhirTrial.Trial.Fhir.Tests.Recist;

/// <summary>
/// The example cohort of <c>fhir-examples/cohort/</c> (six transaction Bundles, loaded through the transaction engine
/// with profile validation on) gives the <c>$efficacy</c> a statistician computes by hand:
/// <code>
/// subject  first dose  best  first resp  PD / death       PFS     OS      DOR    TTR
/// 01       2025-02-03  CR    day 42      -                126+    126+    84+    42
/// 02       2025-02-10  PR    day 41      PD day 127       127     127+    86     41
/// 03       2025-03-03  SD    -           -                126+    126+    -      -
/// 04       2025-03-10  PD    -           PD 43, died 102  43      102     -      -
/// 05       2025-04-07  NE    -           - (withdrew)     0+      30+     -      -
/// 06       2025-04-14  PR    day 42      -                126+    126+    84+    42
/// </code>
/// ORR 3/6 = 0.5 [0.118117, 0.881883]; DCR 4/6. PFS: 43 (6 at risk... 5 after the day-0 censoring) -> 0.8, 127 -> 0,
/// median 127. OS: 102 (5 at risk) -> 0.8, median not reached. DOR: 86 (1 at risk) -> 0, median 86.
/// TTR: 41 (3 at risk) -> 0.666667, 42 (2 at risk, 2 events) -> 0, median 42.
/// </summary>
public sealed class CohortEfficacyTests : IAsyncLifetime
{
    private readonly TrialStore _trial = new();

    public Task InitializeAsync() => _trial.InitializeAsync();
    public Task DisposeAsync() => _trial.DisposeAsync();

    [Fact]
    public async Task The_example_cohort_gives_the_efficacy_computed_by_hand()
    {
        using var validation = new ProfileValidationService(TrialStore.Package);
        await using var validated = _trial.Store.BuildFhirEngine(new ProfileWriteValidator(validation), TrialStore.Package);
        var files = Directory.GetFiles(Path.Combine(TrialStore.RepositoryRoot(), "fhir-examples", "cohort"), "Bundle-*.json").Order().ToList();
        Assert.Equal(6, files.Count);
        foreach (var file in files)
            await _trial.PostBundleFileAsync(Path.GetRelativePath(TrialStore.RepositoryRoot(), file), validated.GetRequiredService<BundleProcessor>());

        var p = await new RecistOperations(_trial).EfficacyAsync();

        Assert.Equal((6, 6, 3), (p.Out("treated").Int(), p.Out("evaluable").Int(), p.Out("responders").Int()));
        Assert.Equal((0.5m, 0.118117m, 0.881883m, 0.666667m), (p.Out("orr").Dec(), p.Out("orrLower").Dec(), p.Out("orrUpper").Dec(), p.Out("dcr").Dec()));
        var pfs = p.All("pfs").Single();
        Assert.Equal((2, 4, 127m), (pfs.Part("events").Int(), pfs.Part("censored").Int(), pfs.Part("median").Dec()));
        var os = p.All("os").Single();
        Assert.Equal((1, 5, (decimal?)null), (os.Part("events").Int(), os.Part("censored").Int(), os.Part("median").Dec()));
        var dor = p.All("dor").Single();
        Assert.Equal((1, 2, 86m), (dor.Part("events").Int(), dor.Part("censored").Int(), dor.Part("median").Dec()));
        var ttr = p.All("ttr").Single();
        Assert.Equal((3, 0, 42m), (ttr.Part("events").Int(), ttr.Part("censored").Int(), ttr.Part("median").Dec()));
        var bor = p.All("bor").ToDictionary(b => b.Part("code").Text()!, b => b.Part("count").Int());
        Assert.Equal(new Dictionary<string, int> { ["CR"] = 1, ["PR"] = 2, ["SD"] = 1, ["NON-CR/NON-PD"] = 0, ["PD"] = 1, ["NE"] = 1 }, bor);
        ApprovedFile.Verify("efficacy-example-cohort", p);

        // The same data at a mid-study cut-off give the same answer every time, pinned as approved files.
        var operations = new RecistOperations(_trial);
        const string cutoff = "2025-05-15";
        var early = await operations.EfficacyAsync(cutoff: cutoff);
        Assert.Equal(FhirSerializer.ToJson(early), FhirSerializer.ToJson(await operations.EfficacyAsync(cutoff: cutoff)));
        ApprovedFile.Verify("efficacy-example-cohort-2025-05-15", early);
        ApprovedFile.Verify("interim-example-cohort-2025-05-15", await operations.InterimAsync(cutoff));
        var safety = (Parameters)(await new FhirTrial.Trial.Fhir.Safety.SafetyOperation(_trial.Records, PackageTerms.Ctcae)
            .ExecuteAsync(TrialStore.Get("ResearchStudy", TrialStore.StudyId, ("cutoff", cutoff)), default)).Resource!;
        ApprovedFile.Verify("safety-example-cohort-2025-05-15", safety);
    }
}
