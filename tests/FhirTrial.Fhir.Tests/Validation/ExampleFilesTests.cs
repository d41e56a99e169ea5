namespace FhirTrial.Fhir.Tests.Validation;

/// <summary>Every file of the package and of fhir-examples (the invalid ones aside) validates without errors.</summary>
[Collection(ValidationCollection.Name)]
public sealed class ExampleFilesTests(ValidatorFixture fixture)
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        var files = FhirTrial.Fhir.Validation.TrialPackage.PackageFiles(RepoPaths.Profiles)
            .Concat(Directory.EnumerateFiles(RepoPaths.Examples, "*.json", SearchOption.AllDirectories)
                .Where(p => !p.StartsWith(RepoPaths.Invalid + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
            .Concat(Directory.EnumerateFiles(RepoPaths.TestExamples, "*.json"));
        foreach (var file in files) data.Add(Path.GetRelativePath(RepoPaths.Root, file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task File_validates_without_errors(string file)
    {
        var issues = await fixture.ValidateFileAsync(Path.Combine(RepoPaths.Root, file));
        var errors = issues.Where(x => ValidatorFixture.IsError(x.Issue)).ToList();
        Assert.True(errors.Count == 0, ValidatorFixture.Describe(errors));
    }
}
