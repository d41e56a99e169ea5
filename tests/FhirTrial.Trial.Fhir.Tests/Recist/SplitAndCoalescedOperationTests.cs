namespace FhirTrial.Trial.Fhir.Tests.Recist;

/// <summary>
/// fhir-examples/lesions/Bundle-split-and-coalesced.json through the one reader and <c>$recist-response</c> (ADR 0008):
/// fragments named by <c>recist-split-from</c> add to their target, a lesion <c>recist-coalesced-into</c> another counts once.
/// </summary>
public sealed class SplitAndCoalescedOperationTests : IAsyncLifetime
{
    private readonly TrialStore _trial = new();

    public async Task InitializeAsync()
    {
        await _trial.InitializeAsync();
        await _trial.PostBundleFileAsync(Path.Combine("fhir-examples", "lesions", "Bundle-split-and-coalesced.json"));
    }

    public Task DisposeAsync() => _trial.DisposeAsync();

    [Fact]
    public async Task Fragments_add_to_their_target_and_a_merged_lesion_counts_once()
    {
        var p = await new RecistOperations(_trial).GetRecistAsync("lesions-01");

        Assert.Equal(108m, p.Out("baselineSum").Dec());
        var timePoints = p.All("timepoint").Select(tp => (tp.Part("date").Text(), tp.Part("targetSum").Dec(), tp.Part("targetResponse").Text())).ToList();
        Assert.Equal(
        [
            ("2025-06-16", 89m, "SD"),    // 18 + 14, 25, 15, 9 + 8: without the fragments 67 mm would be PR
            ("2025-07-28", 74m, "PR"),    // T3 merged into T2 (33 mm) and recorded 0
            ("2025-09-08", 66m, "PR"),
        ], timePoints);
        Assert.Equal(("PR", "2025-07-28"), (p.Out("bestOverallResponse").Text(), p.Out("firstResponseDate").Text()));

        var first = p.All("timepoint").First().Part.Where(x => x.Name == "reason").Select(x => x.Value.Text()).ToList();
        Assert.Contains("lesions-01-t1 split: 18 mm + lesions-01-t1b 14 mm = 32 mm", first);
        Assert.Contains("lesions-01-n1 split: 9 mm + lesions-01-n1b 8 mm = 17 mm (short axes; each part a node of its own)", first);
    }
}
