using System.Text.Json.Nodes;
using FhirTrial.Cli.Import;

namespace FhirTrial.Cli.Tests;

/// <summary><c>fhirtrial import</c> into an in-process server: Synthea Bundles, ndjson batches, resuming, failures, exit codes.</summary>
public sealed class ImportTests(CliServerFactory factory) : IClassFixture<CliServerFactory>
{
    private readonly HttpClient _http = factory.CreateClient();

    private async Task<int> CountAsync(string type)
    {
        var body = JsonNode.Parse(await _http.GetStringAsync($"/fhir/{type}?_summary=count"))!;
        return (int)body["total"]!;
    }

    [Fact]
    public async Task Imports_the_Synthea_bundles_and_skips_them_on_a_rerun()
    {
        var folder = Cli.CopyOf(Cli.Repo("tests", "data", "synthea"));
        var (exit, output) = await Cli.RunAsync(_http, "import", folder, "--server", "http://localhost/fhir");
        Assert.True(exit == ExitCodes.Ok, output);
        Assert.Contains("resources imported", output);
        Assert.Contains("files completed", output);
        Assert.Contains("resources/s", output);
        Assert.True(await CountAsync("Patient") >= 5);
        var encounters = await CountAsync("Encounter");

        var state = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder, ImportState.FileName)))!;
        var files = state["servers"]!["http://localhost/fhir"]!.AsObject();
        Assert.Equal(5, files.Count);
        Assert.All(files, f => Assert.True((bool)f.Value!["completed"]!));

        // A rerun finds everything done and posts nothing (Synthea Bundles POST, so a repost would duplicate).
        (exit, output) = await Cli.RunAsync(_http, "import", folder, "--server", "http://localhost/fhir");
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("Skipping 5 file(s)", output);
        Assert.Equal(encounters, await CountAsync("Encounter"));
    }

    [Fact]
    public async Task Ndjson_is_loaded_in_batches_and_refused_lines_are_reported_with_their_diagnostics()
    {
        var folder = Directory.CreateTempSubdirectory("fhirtrial-ndjson-").FullName;
        var lines = Enumerable.Range(1, 7).Select(i => $$$"""{"resourceType":"Organization","id":"nd-org-{{{i}}}","name":"Org {{{i}}}"}""").ToList();
        lines.Insert(3, """{"resourceType":"Patient","id":"nd-bad","birthDate":"not-a-date"}""");
        await File.WriteAllLinesAsync(Path.Combine(folder, "orgs.ndjson"), lines);

        var (exit, output) = await Cli.RunAsync(_http, "import", folder, "--server", "http://localhost/fhir", "--batch-size", "3");
        Assert.True(exit == ExitCodes.DataErrors, output);
        Assert.True(output.Contains("Failures"), output);
        Assert.Contains("orgs.ndjson", output);
        Assert.Contains("line 4", output);
        Assert.Contains("birthDate", output); // the OperationOutcome's diagnostics reach the summary
        for (var i = 1; i <= 7; i++)
            Assert.Equal(System.Net.HttpStatusCode.OK, (await _http.GetAsync($"/fhir/Organization/nd-org-{i}")).StatusCode);

        // The resume point stays before the failed batch, so a fixed file is retried from there.
        var state = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder, ImportState.FileName)))!;
        var progress = state["servers"]!["http://localhost/fhir"]!["orgs.ndjson"]!;
        Assert.False((bool)progress["completed"]!);
        Assert.Equal(3, (int)progress["lines"]!);

        lines[3] = """{"resourceType":"Patient","id":"nd-bad","birthDate":"1970-01-01"}""";
        await File.WriteAllLinesAsync(Path.Combine(folder, "orgs.ndjson"), lines);
        (exit, output) = await Cli.RunAsync(_http, "import", folder, "--server", "http://localhost/fhir", "--batch-size", "3");
        Assert.True(exit == ExitCodes.Ok, output);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await _http.GetAsync("/fhir/Patient/nd-bad")).StatusCode);
    }

    [Fact]
    public async Task A_refused_transaction_is_a_data_error_naming_the_file()
    {
        var folder = Directory.CreateTempSubdirectory("fhirtrial-bad-").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "bad.json"), """
            {"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Patient","birthDate":"yesterday"},"request":{"method":"POST","url":"Patient"}}]}
            """);
        var (exit, output) = await Cli.RunAsync(_http, "import", folder, "--server", "http://localhost/fhir");
        Assert.Equal(ExitCodes.DataErrors, exit);
        Assert.Contains("bad.json", output);
    }

    [Fact]
    public async Task The_summary_counts_resources_and_a_refusal_shows_the_validators_message_not_its_trace()
    {
        var folder = Directory.CreateTempSubdirectory("fhirtrial-grade7-").FullName;
        File.Copy(Cli.Repo("fhir-examples", "invalid", "AdverseEvent-ctcae-grade-7.json"), Path.Combine(folder, "ae.json"));
        await File.WriteAllTextAsync(Path.Combine(folder, "org.json"), """{"resourceType":"Organization","id":"one-org","name":"One"}""");
        var (exit, output) = await Cli.RunAsync(_http, "import", folder, "--server", "http://localhost/fhir");
        Assert.Equal(ExitCodes.DataErrors, exit);
        Assert.Matches(@"resources imported\s*│\s*1\s", output);
        Assert.Matches(@"resources refused\s*│\s*1\s", output);
        Assert.Matches(@"files completed\s*│\s*1\s", output);
        Assert.DoesNotContain("ElementDefinition trace", output);
        Assert.DoesNotContain("[red]", output);
    }

    [Fact]
    public async Task An_unreachable_server_exits_3()
    {
        var folder = Cli.CopyOf(Cli.Repo("tests", "data", "synthea"));
        var (exit, output) = await Cli.RunAsync(null, "import", folder, "--server", "http://127.0.0.1:1/fhir");
        Assert.Equal(ExitCodes.ServerUnreachable, exit);
        Assert.Contains("Cannot reach", output);
    }

    [Theory]
    [InlineData("import")]
    [InlineData("import", "folder")]
    [InlineData("import", "no-such-folder", "--server", "http://localhost/fhir")]
    [InlineData("import", "x", "--server", "ftp://host")]
    [InlineData("import", "x", "--server", "http://localhost/fhir", "--bogus", "1")]
    [InlineData("frobnicate")]
    [InlineData("export", "--server", "http://localhost/fhir")]
    [InlineData("recist")]
    public async Task Bad_command_lines_exit_2(params string[] args)
    {
        var (exit, output) = await Cli.RunAsync(_http, args);
        Assert.True(exit == ExitCodes.Usage, output);
    }
}
