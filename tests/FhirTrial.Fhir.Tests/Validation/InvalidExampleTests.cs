using System.Text.RegularExpressions;

namespace FhirTrial.Fhir.Tests.Validation;

/// <summary>Each file in fhir-examples/invalid raises an error naming the element its .expect.txt gives.</summary>
[Collection(ValidationCollection.Name)]
public sealed partial class InvalidExampleTests(ValidatorFixture fixture)
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(RepoPaths.Invalid, "*.json").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Invalid_example_is_rejected_naming_its_element(string file)
    {
        var path = Path.Combine(RepoPaths.Invalid, file);
        var expected = File.ReadAllText(Path.ChangeExtension(path, ".expect.txt")).Trim();
        var issues = await fixture.ValidateFileAsync(path);
        var errors = issues.Where(x => ValidatorFixture.IsError(x.Issue)).ToList();
        Assert.True(errors.Any(x => x.Issue.Expression.Any(e => WithoutIndexes(e) == expected)),
            $"expected an error at {expected}, got:\n{ValidatorFixture.Describe(issues)}");
    }

    [Fact]
    public void Every_invalid_example_says_what_it_must_raise()
    {
        foreach (var file in Directory.EnumerateFiles(RepoPaths.Invalid, "*.json"))
            Assert.True(File.Exists(Path.ChangeExtension(file, ".expect.txt")), $"{file} has no .expect.txt");
    }

    /// <summary>The expect files name elements, not occurrences: Observation.value[0].code[0] is Observation.value.code.</summary>
    private static string WithoutIndexes(string? expression) => Indexes().Replace(expression ?? "", "");

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex Indexes();
}
