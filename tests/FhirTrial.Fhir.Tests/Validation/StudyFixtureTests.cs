using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Tests.Validation;

/// <summary>The study fixture the server creates at start carries the contract's ids, criteria and settings.</summary>
public sealed class StudyFixtureTests
{
    private static readonly string Study = Path.Combine(RepoPaths.Examples, "study");

    private static T Read<T>(string file) where T : Resource =>
        (T)ValidatorFixture.Parse(File.ReadAllText(Path.Combine(Study, file)));

    [Theory]
    [InlineData("ResearchStudy-ak104-rcc-2l.json", "ak104-rcc-2l")]
    [InlineData("Group-ak104-rcc-2l-eligibility.json", "ak104-rcc-2l-eligibility")]
    [InlineData("Organization-renji.json", "renji")]
    [InlineData("Organization-zhongshan.json", "zhongshan")]
    [InlineData("Organization-ruijin.json", "ruijin")]
    [InlineData("Medication-lenvatinib.json", "lenvatinib")]
    [InlineData("Medication-cadonilimab.json", "cadonilimab")]
    [InlineData("PlanDefinition-ak104-rcc-2l-schedule.json", "ak104-rcc-2l-schedule")]
    public void Fixture_files_carry_the_contract_ids(string file, string id) => Assert.Equal(id, Read<Resource>(file).Id);

    [Fact]
    public void Enrollment_group_has_one_characteristic_per_contract_criterion()
    {
        var group = Read<Group>("Group-ak104-rcc-2l-eligibility.json");
        Assert.False(group.Actual);
        Assert.Equal(
            ["age-18", "ccrcc", "prior-io-progression", "measurable-disease", "ecog-0-1", "anc", "platelets", "hemoglobin",
             "bilirubin", "transaminases", "blood-pressure", "no-prior-lenvatinib"],
            group.Characteristic.Select(c => c.ElementId));
        Assert.Equal(["no-prior-lenvatinib"], group.Characteristic.Where(c => c.Exclude == true).Select(c => c.ElementId));
    }

    [Fact]
    public void Study_points_at_its_enrollment_group_and_carries_the_design_settings()
    {
        var study = Read<ResearchStudy>("ResearchStudy-ak104-rcc-2l.json");
        Assert.Equal(ResearchStudy.ResearchStudyStatus.Active, study.Status);
        Assert.Equal("Group/ak104-rcc-2l-eligibility", study.Enrollment.Single().Reference);
        var settings = study.Extension
            .Where(e => e.Url == "http://fhirtrial.example.org/fhir/StructureDefinition/study-setting")
            .ToDictionary(e => e.GetExtension("code")?.Value?.ToString() ?? "", e => e.GetExtension("value")?.Value?.ToString() ?? "");
        Assert.Equal("28", settings["confirmation-interval-days"]);
        Assert.Equal("35", settings["sd-minimum-days"]);
        Assert.Equal("12", settings["simon-n1"]);
        Assert.Equal("0.3", settings["simon-p1"]);
        Assert.Equal("168", settings["response-horizon-days"]);
        Assert.Equal("30", settings["teae-window-days"]);
        Assert.Equal(14, settings.Count);
    }
}
