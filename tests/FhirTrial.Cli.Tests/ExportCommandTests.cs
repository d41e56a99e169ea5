namespace FhirTrial.Cli.Tests;

/// <summary><c>fhirtrial export</c> drives the server's Bulk Data export to files.</summary>
public sealed class ExportCommandTests(CliServerFactory factory) : IClassFixture<CliServerFactory>
{
    private readonly HttpClient _http = factory.CreateClient();

    [Fact]
    public async Task Exports_the_study_group_and_the_whole_server_into_a_folder()
    {
        var cohort = Cli.CopyOf(Cli.Repo("fhir-examples", "cohort"));
        var (exit, output) = await Cli.RunAsync(_http, "import", cohort, "--server", "http://localhost/fhir");
        Assert.True(exit == ExitCodes.Ok, output);

        var outFolder = Path.Combine(Directory.CreateTempSubdirectory("fhirtrial-export-out-").FullName, "study");
        (exit, output) = await Cli.RunAsync(_http, "export", "--server", "http://localhost/fhir", "--group", "ak104-rcc-2l-eligibility", "--out", outFolder);
        Assert.True(exit == ExitCodes.Ok, output);
        Assert.True(File.Exists(Path.Combine(outFolder, "manifest.json")));
        var patients = await File.ReadAllLinesAsync(Path.Combine(outFolder, "Patient-1.ndjson"));
        Assert.Equal(6, patients.Count(l => l.Length > 0));
        Assert.True(File.Exists(Path.Combine(outFolder, "ResearchSubject-1.ndjson")));

        var typed = Path.Combine(Path.GetDirectoryName(outFolder)!, "typed");
        (exit, output) = await Cli.RunAsync(_http, "export", "--server", "http://localhost/fhir", "--type", "Organization", "--out", typed);
        Assert.True(exit == ExitCodes.Ok, output);
        Assert.Equal(["Organization-1.ndjson", "manifest.json"], Directory.GetFiles(typed).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task An_unknown_group_is_a_data_error()
    {
        var (exit, output) = await Cli.RunAsync(_http, "export", "--server", "http://localhost/fhir", "--group", "no-such-group",
            "--out", Directory.CreateTempSubdirectory().FullName);
        Assert.Equal(ExitCodes.DataErrors, exit);
        Assert.Contains("no-such-group", output);
    }
}
