using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Package;
using FhirTrial.Fhir.Security;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Storage;
using FhirTrial.Fhir.Validation;
using Hl7.Fhir.Model;

namespace FhirTrial.Server.Hosting;

/// <summary>
/// Prepares the store on start: the schema before the server listens (<see cref="MigrateAsync"/>), then in the background
/// (<see cref="Start"/>) the validator's warm-up, the trial package's conformance resources and the study fixture when
/// absent. The server answers <c>/fhir/metadata</c> and the health checks at once; FHIR data requests wait for
/// <see cref="Completion"/> (see <see cref="StartupGate"/>).
/// </summary>
public sealed class StartupSeeder(IFhirStore store, ResourceService resources, ProfileValidationService validation, IConfiguration configuration,
    AccessContext access, IHostApplicationLifetime lifetime, ILogger<StartupSeeder> logger, WritePathWarmup writePath)
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Done when the package and the fixture are in the store and the validator is warm; faulted if that failed.</summary>
    public Task Completion => _completion.Task;

    public async Task MigrateAsync(CancellationToken ct)
    {
        using var server = access.EnterServer("startup");
        await store.MigrateAsync(ct);
    }

    /// <summary>Starts the rest of start-up in the background; a failure is logged and stops the server.</summary>
    public void Start(CancellationToken ct) => _ = Task.Run(async () =>
    {
        try
        {
            await RunAsync(ct);
            _completion.TrySetResult();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            _completion.TrySetCanceled(ct);
        }
        catch (Exception e)
        {
            logger.LogCritical(e, "Start-up failed: the trial package or the study fixture could not be stored. Stopping.");
            _completion.TrySetException(e);
            lifetime.StopApplication();
        }
    }, CancellationToken.None);

    private async Task RunAsync(CancellationToken ct)
    {
        using var server = access.EnterServer("startup");
        // Warm first: the validator generates the snapshots that the stored StructureDefinitions then carry. The write
        // path warms beside it (in memory, storing nothing), so the first Bundles do not run on unoptimized code.
        await Task.WhenAll(validation.WarmAsync(), Task.Run(() => writePath.Run(), ct));
        // Each set is written as one transaction, so references between its resources resolve whatever their order.
        var changed = new List<Resource>();
        foreach (var resource in validation.PackageResources.Where(r => r.Id is not null))
            if (!await SameAsStoredAsync(resource, ct)) changed.Add((Resource)resource.DeepCopy());
        await PutAllAsync(changed, ct);
        logger.LogInformation("Trial package: {Count} conformance resources loaded, {Refreshed} new or changed", validation.PackageResources.Count, changed.Count);

        var fixture = new ResourceFolder(configuration["Fhir:FixturePath"] ?? ProjectFolders.Find(Path.Combine("fhir-examples", "study")));
        var missing = new List<Resource>();
        foreach (var resource in fixture.Resources.Where(r => r.Id is not null))
            if (await store.ReadAsync(resource.TypeName, resource.Id!, ct) is not { Deleted: false }) missing.Add(resource);
        await PutAllAsync(missing, ct);
        logger.LogInformation("Study fixture: {Created} of {Count} resources created", missing.Count, fixture.Resources.Count);
    }

    private async Task PutAllAsync(IReadOnlyList<Resource> batch, CancellationToken ct)
    {
        if (batch.Count > 0)
            await resources.TransactionAsync(batch.Select(r => WriteRequest.Update(r.TypeName, r.Id!, r)).ToList(), ct);
    }

    /// <summary>Package files are the source of truth for conformance resources: stored copies follow them.</summary>
    private async Task<bool> SameAsStoredAsync(Resource resource, CancellationToken ct)
    {
        var stored = await store.ReadAsync(resource.TypeName, resource.Id!, ct);
        return stored is { Deleted: false } && SameContent(stored.Json, resource);
    }

    private static bool SameContent(string storedJson, Resource resource)
    {
        var stored = FhirSerializer.ParseJson(storedJson);
        stored.Meta = null;
        var copy = (Resource)resource.DeepCopy();
        copy.Meta = null;
        return FhirSerializer.ToJson(stored) == FhirSerializer.ToJson(copy);
    }
}
