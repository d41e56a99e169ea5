namespace FhirTrial.Cli.Tests;

/// <summary><c>fhirtrial datasets</c> unpacks a study's analysis datasets into a folder.</summary>
public sealed class DatasetsCommandTests(CliServerFactory factory) : IClassFixture<CliServerFactory>
{
    private readonly HttpClient _http = factory.CreateClient();

    [Fact]
    public async Task Writes_the_datasets_and_define_xml_of_a_study_into_a_folder()
    {
        var cohort = Cli.CopyOf(Cli.Repo("fhir-examples", "cohort"));
        var (exit, output) = await Cli.RunAsync(_http, "import", cohort, "--server", "http://localhost/fhir");
        Assert.True(exit == ExitCodes.Ok, output);

        var outFolder = Path.Combine(Directory.CreateTempSubdirectory("fhirtrial-datasets-").FullName, "xpt");
        (exit, output) = await Cli.RunAsync(_http, "datasets", "--server", "http://localhost/fhir", "--study", "ak104-rcc-2l",
            "--out", outFolder, "--cutoff", "2025-12-31", "--format", "xpt");
        Assert.True(exit == ExitCodes.Ok, output);
        string[] expected = ["adae.xpt", "adrs.xpt", "adsl.xpt", "adtte.xpt", "ae.xpt", "define.xml", "dm.xpt", "ds.xpt", "ex.xpt", "lb.xpt", "qs.xpt",
            "rs.xpt", "tr.xpt", "tu.xpt", "vs.xpt"];
        Assert.Equal(expected, Directory.GetFiles(outFolder).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal));
        Assert.Contains("15 files", output);

        var csv = Path.Combine(Path.GetDirectoryName(outFolder)!, "csv");
        (exit, output) = await Cli.RunAsync(_http, "datasets", "--server", "http://localhost/fhir", "--study", "ak104-rcc-2l", "--out", csv);
        Assert.True(exit == ExitCodes.Ok, output);
        Assert.StartsWith("STUDYID,USUBJID,SUBJID,SITEID", File.ReadLines(Path.Combine(csv, "adsl.csv")).First());
    }

    [Fact]
    public async Task An_unknown_study_or_format_is_a_data_error_and_a_bad_date_a_usage_error()
    {
        var folder = Directory.CreateTempSubdirectory("fhirtrial-datasets-").FullName;
        var (exit, output) = await Cli.RunAsync(_http, "datasets", "--server", "http://localhost/fhir", "--study", "no-such-study", "--out", folder);
        Assert.Equal(ExitCodes.DataErrors, exit);
        Assert.Contains("no-such-study", output);

        (exit, output) = await Cli.RunAsync(_http, "datasets", "--server", "http://localhost/fhir", "--study", "ak104-rcc-2l", "--out", folder, "--format", "sas7bdat");
        Assert.Equal(ExitCodes.DataErrors, exit);
        Assert.Contains("format", output);

        (exit, _) = await Cli.RunAsync(_http, "datasets", "--server", "http://localhost/fhir", "--study", "ak104-rcc-2l", "--out", folder, "--cutoff", "31.12.2025");
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Empty(Directory.GetFiles(folder));
    }
}
