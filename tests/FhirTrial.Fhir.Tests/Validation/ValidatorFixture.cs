using FhirTrial.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace FhirTrial.Fhir.Tests.Validation;

/// <summary>One warmed validator for all validation tests: building it loads the core spec, which takes seconds.</summary>
public sealed class ValidatorFixture : IAsyncLifetime, IDisposable
{
    public ProfileValidationService Service { get; } = new(RepoPaths.Profiles);

    public Task InitializeAsync() => Service.WarmAsync();
    public Task DisposeAsync() => Task.CompletedTask;
    public void Dispose() => Service.Dispose();

    /// <summary>Validates a file; a Bundle is validated entry by entry, as the server validates what it writes.</summary>
    public async Task<IReadOnlyList<(string Where, OperationOutcome.IssueComponent Issue)>> ValidateFileAsync(string path)
    {
        var resource = Parse(File.ReadAllText(path));
        var targets = new List<(string Where, Resource Resource)>();
        if (resource is Bundle bundle)
        {
            foreach (var entry in bundle.Entry)
                if (entry.Resource is { } r) targets.Add((entry.FullUrl ?? r.TypeName, r));
        }
        else
        {
            targets.Add((resource.TypeName, resource));
        }
        var issues = new List<(string, OperationOutcome.IssueComponent)>();
        foreach (var (where, target) in targets)
        {
            var outcome = await Service.ValidateAsync(target, null, CancellationToken.None);
            issues.AddRange(outcome.Issue.Select(i => (where, i)));
        }
        return issues;
    }

    public static Resource Parse(string json) => new FhirJsonDeserializer().Deserialize<Resource>(json);

    public static bool IsError(OperationOutcome.IssueComponent i) =>
        i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal;

    public static string Describe(IEnumerable<(string Where, OperationOutcome.IssueComponent Issue)> issues) =>
        string.Join("\n", issues.Select(x =>
            $"{x.Where}: {x.Issue.Severity} {string.Join(",", x.Issue.Expression)} {x.Issue.Details?.Text ?? x.Issue.Diagnostics}"));
}

/// <summary>Shares <see cref="ValidatorFixture"/> across the validation test classes.</summary>
[CollectionDefinition(Name)]
public sealed class ValidationCollection : ICollectionFixture<ValidatorFixture>
{
    public const string Name = "validation";
}

/// <summary>Folders of the repository, found by walking up from the test binaries.</summary>
public static class RepoPaths
{
    public static string Profiles { get; } = TrialPackage.Locate();
    public static string Root { get; } = Path.GetDirectoryName(Profiles)!;
    public static string Examples { get; } = Path.Combine(Root, "fhir-examples");
    public static string Invalid { get; } = Path.Combine(Examples, "invalid");
    /// <summary>Valid instances of each profile, kept beside these tests (read from source, not copied to bin).</summary>
    public static string TestExamples { get; } = Path.Combine(Root, "tests", "FhirTrial.Fhir.Tests", "Validation", "Examples");
}
