using FhirTrial.Fhir.Export;
using Microsoft.Extensions.Logging.Abstractions;

namespace FhirTrial.Server.Tests.Export;

/// <summary>Jobs outlive a restart through their <c>job.json</c>: finished ones are served again, unfinished ones run again.</summary>
public sealed class ExportJobStoreTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fhirtrial-jobs-").FullName;

    private ExportJobStore NewStore() => new(new ExportOptions { Folder = _folder }, NullLogger<ExportJobStore>.Instance);

    private static ExportJob Job(string id, ExportJobState state, DateTimeOffset at) => new(id,
        new ExportRequest(ExportLevel.Group, "g1", ["Patient"], at.AddDays(-1), ExportRequest.NdjsonFormat, "http://x/fhir/Group/g1/$export"),
        at, "alice", state, 3, null, state == ExportJobState.Completed ? [new ExportOutputFile("Patient", "Patient-1.ndjson", 3)] : null);

    [Fact]
    public async Task A_new_store_reloads_finished_jobs_and_hands_back_unfinished_ones()
    {
        var now = DateTimeOffset.UtcNow;
        var before = NewStore();
        await before.SaveAsync(Job("done", ExportJobState.Completed, now), default);
        await before.SaveAsync(Job("running", ExportJobState.Running, now), default);
        await before.SaveAsync(Job("old", ExportJobState.Completed, now.AddDays(-3)), default);

        var after = NewStore();
        var unfinished = await after.LoadAsync(now, default);

        Assert.Equal(["running"], unfinished.Select(j => j.Id));
        var done = after.Get("done")!;
        Assert.Equal(Job("done", ExportJobState.Completed, now).Request with { Types = done.Request.Types }, done.Request);
        Assert.Equal(["Patient"], done.Request.Types);
        Assert.Equal("Patient-1.ndjson", done.Files.Single().FileName);
        Assert.Equal("alice", done.Owner);
        Assert.Null(after.Get("old")); // past retention: removed with its folder
        Assert.False(Directory.Exists(Path.Combine(_folder, "old")));
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
