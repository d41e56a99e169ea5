using System.Text.Json.Nodes;

namespace FhirTrial.Cli.Tests;

/// <summary>The commands that need no server: <c>validate</c> against the trial profiles and <c>recist</c> on a Bundle.</summary>
public sealed class OfflineCommandTests
{
    [Fact]
    public async Task Validate_passes_valid_files_and_exits_1_on_an_invalid_one()
    {
        var valid = Cli.Repo("fhir-examples", "study", "ResearchStudy-ak104-rcc-2l.json");
        var invalid = Cli.Repo("fhir-examples", "invalid", "Observation-target-measurement-unit-cm.json");

        var (exit, output) = await Cli.RunAsync(null, "validate", valid, Cli.Repo("fhir-examples", "cohort", "Bundle-cohort-01.json"));
        Assert.True(exit == ExitCodes.Ok, output);
        Assert.Contains("0 errors", output);

        (exit, output) = await Cli.RunAsync(null, "validate", valid, invalid);
        Assert.True(exit == ExitCodes.DataErrors, output);
        Assert.Contains("Observation-target-measurement-unit-cm.json", output);
        Assert.Contains("error", output);
    }

    [Fact]
    public async Task Validate_prints_the_validators_message_at_its_FHIRPath_location_and_the_trace_only_when_verbose()
    {
        var grade7 = Cli.Repo("fhir-examples", "invalid", "AdverseEvent-ctcae-grade-7.json");
        var (exit, output) = await Cli.RunAsync(null, "validate", grade7);
        Assert.True(exit == ExitCodes.DataErrors, output);
        Assert.Contains("validator loading", output);
        Assert.Contains("AdverseEvent/ctcae-grade-7 at AdverseEvent.extension", output);
        Assert.Contains("Value '7' is larger than 5", output);
        Assert.DoesNotContain("ElementDefinition trace", output);
        Assert.DoesNotContain("[red]", output); // markup is rendered, not printed
        Assert.DoesNotContain("[/]", output);
        Assert.Contains("error(s)", output);

        (exit, output) = await Cli.RunAsync(null, "validate", grade7, "--verbose");
        Assert.Equal(ExitCodes.DataErrors, exit);
        Assert.Contains("ElementDefinition trace", output);
    }

    [Fact]
    public async Task Validate_checks_ndjson_line_by_line_and_a_missing_file_is_a_usage_error()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory().FullName, "mixed.ndjson");
        await File.WriteAllLinesAsync(file, ["""{"resourceType":"Patient","gender":"female"}""", """{"resourceType":"Patient","gender":"sometimes"}"""]);
        var (exit, output) = await Cli.RunAsync(null, "validate", file);
        Assert.True(exit == ExitCodes.DataErrors, output);
        Assert.Contains("mixed.ndjson:2", output);
        Assert.DoesNotContain("mixed.ndjson:1", output);

        (exit, _) = await Cli.RunAsync(null, "validate", "no-such-file.json");
        Assert.Equal(ExitCodes.Usage, exit);
    }

    [Theory]
    [InlineData("Bundle-cohort-01.json", null, "CR")]
    [InlineData("Bundle-cohort-02.json", "cohort-02", "PR")]
    [InlineData("Bundle-cohort-05.json", "1", "NE")]
    public async Task Recist_computes_the_best_overall_response_without_a_server(string bundle, string? subject, string expected)
    {
        string[] args = subject is null
            ? ["recist", Cli.Repo("fhir-examples", "cohort", bundle), "--json"]
            : ["recist", Cli.Repo("fhir-examples", "cohort", bundle), "--subject", subject, "--json"];
        var (exit, output) = await Cli.RunAsync(null, args);
        Assert.True(exit == ExitCodes.Ok, output);
        var parameters = JsonNode.Parse(output)!;
        Assert.Equal("Parameters", (string)parameters["resourceType"]!);
        var bor = parameters["parameter"]!.AsArray().Single(p => (string)p!["name"]! == "bestOverallResponse")!;
        Assert.Equal(expected, (string)bor["valueCode"]!);
    }

    [Fact]
    public async Task Recist_shows_a_table_of_time_points_and_names_an_unknown_subject_as_a_usage_error()
    {
        var bundle = Cli.Repo("fhir-examples", "cohort", "Bundle-cohort-02.json");
        var (exit, output) = await Cli.RunAsync(null, "recist", bundle);
        Assert.True(exit == ExitCodes.Ok, output);
        Assert.Contains("Best overall response: PR", output);
        Assert.Contains("Progression: 2025-06-17", output);

        (exit, output) = await Cli.RunAsync(null, "recist", bundle, "--subject", "nobody");
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("cohort-02", output);
    }

    [Fact]
    public async Task Recist_takes_a_data_cutoff_and_rejects_a_bad_one()
    {
        // Cohort subject 02 progressed on 2025-06-17; at a cut-off before that the progression is not yet known.
        var bundle = Cli.Repo("fhir-examples", "cohort", "Bundle-cohort-02.json");
        var (exit, output) = await Cli.RunAsync(null, "recist", bundle, "--cutoff", "2025-06-01", "--json");
        Assert.True(exit == ExitCodes.Ok, output);
        var parameters = JsonNode.Parse(output)!["parameter"]!.AsArray();
        Assert.Equal("2025-06-01", (string)parameters.Single(p => (string)p!["name"]! == "cutoff")!["valueDate"]!);
        Assert.DoesNotContain(parameters, p => (string)p!["name"]! == "progressionDate");

        (exit, output) = await Cli.RunAsync(null, "recist", bundle, "--cutoff", "June");
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--cutoff", output);
    }
}
