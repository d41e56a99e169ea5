using System.Net;
using Firely.Fhir.Validation;
using Firely.Fhir.Validation.Compilation;
using FhirTrial.Fhir.Errors;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FhirTrial.Fhir.Validation;

/// <summary>
/// Validates resources against the base spec and the trial's package with the Firely validator, fully offline.
/// Built once and shared: resolving and compiling profiles is expensive, validating with them is cheap.
/// </summary>
public sealed class ProfileValidationService : IDisposable
{
    private readonly Validator _validator;
    private readonly CachedResolver _resolver;
    private readonly SemaphoreSlim _gate = new(Environment.ProcessorCount, Environment.ProcessorCount);
    private readonly ILogger _logger;
    private readonly Lazy<Task> _warm;

    /// <summary>How long a validator that ignores its budget is waited for before the caller is answered anyway.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);

    /// <summary>Builds the resolver chain over the package folder (located from the app folder when null) and the core spec.</summary>
    /// <param name="budget">How long one validation may run before it is stopped and answered as too costly; null: no limit.</param>
    public ProfileValidationService(string? profilesFolder = null, ILogger<ProfileValidationService>? logger = null, TimeSpan? budget = null)
        : this(TrialPackage.Load(profilesFolder), logger, budget)
    {
    }

    /// <summary>Validates against <paramref name="package"/>, the one the engine indexes with.</summary>
    public ProfileValidationService(TrialPackage package, ILogger<ProfileValidationService>? logger = null, TimeSpan? budget = null)
    {
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Budget = budget;
        Package = package;
        // Only Type-id.json files: package.json and .index.json are not FHIR resources.
        var packageSource = new DirectorySource(Package.Folder,
            new DirectorySourceSettings { IncludeSubDirectories = false, Mask = "*-*.json" });
        _resolver = new CachedResolver(new SerializedResolver(
            new SnapshotSource(new MultiResolver(packageSource, new CoreErrata(ZipSource.CreateValidationSource())))));
        // One terminology service for the validator and the terminology operations.
        Terminology = new Terminology.TerminologyService(_resolver);
        var settings = new ValidationSettings();
        // The resolver the validator would build itself, made here to be wrapped (marked experimental; the version is pinned).
#pragma warning disable ExperimentalApi
        var schemas = ValidationBudget.Install(settings, StructureDefinitionToElementSchemaResolver.CreatedCached(_resolver));
        settings.ExcludeFilters.Add(ContainedResourceRules.ReplacedByThese); // Firely's evaluation refuses valid references
#pragma warning restore ExperimentalApi
        _validator = new Validator(_resolver, Terminology, null, settings, schemas);
        _warm = new Lazy<Task>(WarmCoreAsync);
    }

    /// <summary>How long one validation may run (schema compilation aside) before it is stopped and answered 422
    /// too-costly; null: no limit. Read at the start of each validation.</summary>
    public TimeSpan? Budget { get; set; }

    /// <summary>The terminology service the validator uses, over the same package and core specification.</summary>
    public Terminology.TerminologyService Terminology { get; }

    /// <summary>A conformance resource of the package or the core specification by canonical URL.</summary>
    public async Task<Resource?> ResolveAsync(string canonical) => (await _resolver.TryResolveByCanonicalUriAsync(canonical)).Value;

    /// <summary>The package this service validates against.</summary>
    public TrialPackage Package { get; }

    /// <summary>The package's conformance resources, StructureDefinitions with generated snapshots once warmed.</summary>
    public IReadOnlyList<Resource> PackageResources { get; private set; } = [];

    /// <summary>Generates the package's snapshots and compiles its profiles once; later calls return the same task.</summary>
    public Task WarmAsync() => _warm.Value;

    /// <summary>True when the resource claims one of the trial's profiles in meta.profile.</summary>
    public static bool ClaimsTrialProfile(Resource resource) =>
        resource.Meta?.Profile?.Any(p => p?.StartsWith(TrialPackage.Canon + "/", StringComparison.Ordinal) == true) == true;

    /// <summary>
    /// Validates against the base type, the resource's meta.profile and <paramref name="profileUrl"/> when given;
    /// issues carry FHIRPath in <c>expression</c>.
    /// </summary>
    public async Task<OperationOutcome> ValidateAsync(Resource resource, string? profileUrl, CancellationToken ct)
    {
        await WarmAsync().WaitAsync(ct);
        // Unbounded parallel validation has stalled for minutes: cap it at the core count.
        await _gate.WaitAsync(ct);
        var limit = Budget;
        var budget = new ValidationBudget(limit ?? TimeSpan.MaxValue, ct);
        var run = Task.Run(() => ValidateOnce(resource, profileUrl, budget), CancellationToken.None);
        // The slot is given back when the validator has really stopped, not when its caller stops waiting: the cap holds.
        _ = run.ContinueWith(done =>
        {
            _ = done.Exception; // observed here when nobody waits for it any more
            _gate.Release();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            if (limit is null) return await run.WaitAsync(ct);
            // A validator that ignores its budget is left to finish on its own (holding its slot) once the budget and
            // a grace are spent; time spent compiling schemas extends the wait as it extends the budget.
            while (true)
            {
                var left = limit.Value + Grace - budget.Spent;
                if (left <= TimeSpan.Zero) throw new TimeoutException();
                try { return await run.WaitAsync(left, ct); }
                catch (TimeoutException) { }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException && !ct.IsCancellationRequested)
        {
            if (!run.IsCompleted) _logger.LogWarning("A validation of a {Type} ignored its budget and is still running", resource.TypeName);
            throw new FhirException(HttpStatusCode.UnprocessableEntity, Errors.Outcomes.Single(OperationOutcome.IssueSeverity.Error,
                OperationOutcome.IssueType.TooCostly,
                $"Validating this {resource.TypeName} took longer than {budget.Limit.TotalSeconds:0.##} seconds and was stopped (Limits:ValidationSeconds).",
                resource.TypeName));
        }
    }

    /// <summary>The validator throws on some malformed values instead of reporting them (found by fuzzing: an
    /// unparseable reference raises UriFormatException); such input is invalid, so it becomes an error issue.</summary>
    private OperationOutcome ValidateOnce(Resource resource, string? profileUrl, ValidationBudget budget)
    {
        try
        {
            var outcome = ValidationOutcome.Normalize(budget.Run(() => _validator.Validate(resource, profileUrl)));
            UnresolvedDefinitions.Apply(outcome, resource, profileUrl);
            outcome.Issue.AddRange(ExtensionUrlChecks.Check(resource));
            ContainedResourceRules.Apply(outcome, resource);
            outcome.Issue.AddRange(BundleRules.Check(resource));
            outcome.Issue.AddRange(AttachmentChecks.Check(resource));
            outcome.Issue.AddRange(QuestionnaireChecks.Check(resource));
            outcome.Issue.AddRange(SearchParameterChecks.Check(resource, _resolver));
            outcome.Issue.AddRange(ValueSetParameterChecks.Check(resource));
            outcome.Issue.AddRange(StructureDefinitionChecks.Check(resource, _resolver));
            return outcome;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            return Errors.Outcomes.Single(OperationOutcome.IssueSeverity.Error, OperationOutcome.IssueType.Invalid,
                $"The resource could not be validated: {e.Message}", resource.TypeName);
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task WarmCoreAsync()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var resources = new List<Resource>(Package.Resources.Count);
        foreach (var resource in Package.Resources)
        {
            if (resource is StructureDefinition sd)
            {
                // Resolving through the SnapshotSource generates (and caches) the snapshot the validator will use.
                var resolved = await _resolver.ResolveByCanonicalUriAsync(sd.Url) as StructureDefinition
                    ?? throw new InvalidOperationException($"Profile {sd.Url} does not resolve");
                resources.Add((StructureDefinition)resolved.DeepCopy());
            }
            else
            {
                resources.Add(resource);
            }
        }
        PackageResources = resources;
        // Compile the base Observation and one trial profile so the first real request does not pay for it.
        await Task.Run(() => _validator.Validate(new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "21889-1"),
        }, $"{TrialPackage.Canon}/StructureDefinition/recist-target-measurement"));
        _logger.LogInformation("Validator warmed with {Count} package resources in {Elapsed} ms",
            resources.Count, started.ElapsedMilliseconds);
    }
}
