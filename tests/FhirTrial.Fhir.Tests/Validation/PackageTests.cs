using System.Text.Json;
using FhirTrial.Fhir.Validation;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Snapshot;
using Hl7.Fhir.Specification.Source;

namespace FhirTrial.Fhir.Tests.Validation;

/// <summary>profiles/ is a well-formed FHIR NPM package whose contents the server can serve and index.</summary>
[Collection(ValidationCollection.Name)]
public sealed class PackageTests(ValidatorFixture fixture)
{
    private static readonly string[] ContractProfiles =
    [
        "recist-lesion-role", "recist-lymph-node", "ctcae-grade", "recist-lesion", "recist-target-measurement",
        "recist-non-target-status", "recist-new-lesion", "recist-timepoint-response", "recist-best-response",
        "trial-subject", "study-drug-administration", "trial-adverse-event", "eortc-qlq-c30-response",
    ];

    private static readonly string[] ContractOperations =
        ["recist-response", "efficacy", "interim", "eligibility", "protocol-deviations", "safety", "score", "analysis-datasets"];

    [Fact]
    public void Package_json_names_the_package_and_its_core_dependency()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Profiles, "package.json")));
        var root = doc.RootElement;
        Assert.Equal("fhirtrial.ak104.rcc", root.GetProperty("name").GetString());
        Assert.Equal("0.1.0", root.GetProperty("version").GetString());
        Assert.Equal(["4.0.1"], root.GetProperty("fhirVersions").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("4.0.1", root.GetProperty("dependencies").GetProperty("hl7.fhir.r4.core").GetString());
    }

    [Fact]
    public void Index_lists_exactly_the_package_files_with_their_ids_and_urls()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Profiles, ".index.json")));
        Assert.Equal(1, doc.RootElement.GetProperty("index-version").GetInt32());
        var listed = doc.RootElement.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("filename").GetString()!);
        var onDisk = TrialPackage.PackageFiles(RepoPaths.Profiles).Select(Path.GetFileName).ToHashSet();
        Assert.Equal(onDisk.Order(), listed.Keys.Order());
        foreach (var resource in fixture.Service.Package.Resources)
        {
            var entry = listed[$"{resource.TypeName}-{resource.Id}.json"];
            Assert.Equal(resource.TypeName, entry.GetProperty("resourceType").GetString());
            Assert.Equal(resource.Id, entry.GetProperty("id").GetString());
            var url = ((IVersionableConformanceResource)resource).Url;
            Assert.Equal(url, entry.GetProperty("url").GetString());
            Assert.Equal($"{TrialPackage.Canon}/{resource.TypeName}/{resource.Id}", url);
        }
    }

    [Fact]
    public void Every_contract_profile_and_operation_is_in_the_package()
    {
        var sds = fixture.Service.Package.Resources.OfType<StructureDefinition>().Select(s => s.Url).ToHashSet();
        foreach (var id in ContractProfiles) Assert.Contains($"{TrialPackage.Canon}/StructureDefinition/{id}", sds);
        var ops = fixture.Service.Package.Resources.OfType<OperationDefinition>().Select(o => o.Code).ToHashSet();
        foreach (var code in ContractOperations) Assert.Contains(code, ops);
    }

    [Fact]
    public void Served_structure_definitions_carry_snapshots()
    {
        var sds = fixture.Service.PackageResources.OfType<StructureDefinition>().ToList();
        Assert.Equal(fixture.Service.Package.Resources.OfType<StructureDefinition>().Count(), sds.Count);
        Assert.All(sds, sd => Assert.True(sd.Snapshot?.Element.Count > 1, $"{sd.Url} has no snapshot"));
    }

    [Fact]
    public async Task Snapshots_generate_without_issues()
    {
        var resolver = new CachedResolver(new MultiResolver(
            new DirectorySource(RepoPaths.Profiles, new DirectorySourceSettings { Mask = "*-*.json" }),
            ZipSource.CreateValidationSource()));
        var generator = new SnapshotGenerator(resolver);
        foreach (var sd in fixture.Service.Package.Resources.OfType<StructureDefinition>())
        {
            var copy = (StructureDefinition)sd.DeepCopy();
            await generator.UpdateAsync(copy);
            var problems = generator.Outcome?.Issue.Where(i => i.Severity <= OperationOutcome.IssueSeverity.Warning).ToList() ?? [];
            Assert.True(problems.Count == 0,
                $"{sd.Url}: " + string.Join("; ", problems.Select(i => $"{i.Severity} {i.Details?.Text} {string.Join(",", i.Location)}")));
        }
    }

    [Theory]
    [InlineData("BodyStructure-lesion-role", "BodyStructure-example-t1.json", "target")]
    [InlineData("BodyStructure-lymph-node", "BodyStructure-example-t1.json", "false")]
    [InlineData("AdverseEvent-ctcae-grade", "AdverseEvent-example-ae-1.json", "3")]
    [InlineData("AdverseEvent-causality", "AdverseEvent-example-ae-1.json", "related")]
    public void Trial_search_parameters_extract_their_values(string id, string example, string expected)
    {
        var sp = fixture.Service.Package.SearchParameters.Single(s => s.Id == id);
        var resource = ValidatorFixture.Parse(File.ReadAllText(Path.Combine(RepoPaths.TestExamples, example)));
        var values = resource.Select(sp.Expression!).Select(v => v switch
        {
            CodeableConcept cc => cc.Coding[0].Code,
            PrimitiveType p => p.ToString(),
            _ => v?.ToString(),
        });
        Assert.Equal([expected], values);
    }

    [Fact]
    public void Trial_search_parameters_are_complete_definitions()
    {
        Assert.NotEmpty(fixture.Service.Package.SearchParameters);
        Assert.All(fixture.Service.Package.SearchParameters, sp =>
        {
            Assert.Equal($"{TrialPackage.Canon}/SearchParameter/{sp.Id}", sp.Url);
            Assert.NotNull(sp.Code);
            Assert.NotNull(sp.Type);
            Assert.Single(sp.Base);
            Assert.StartsWith(sp.Base.Single()!.Value.ToString(), sp.Expression);
        });
    }

    [Theory]
    [InlineData("eortc-qlq-c30", 30, 28, 4, 7)]
    [InlineData("eortc-qlq-hn35", 35, 30, 4, 2)]
    public void Questionnaires_have_numbered_items_with_their_answer_ranges(string id, int items, int split, int low, int high)
    {
        var q = fixture.Service.Package.Resources.OfType<Questionnaire>().Single(x => x.Id == id);
        Assert.Equal(Enumerable.Range(1, items).Select(i => i.ToString()), q.Item.Select(i => i.LinkId));
        foreach (var item in q.Item)
        {
            var top = int.Parse(item.LinkId!) <= split ? low : high;
            Assert.Equal(Enumerable.Range(1, top), item.AnswerOption.Select(o => ((Integer)o.Value).Value ?? 0));
        }
    }
}
