using FhirTrial.Fhir.Package;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Spectre.Console;
using FhirTrial.Tests.Shared;
using Microsoft.Extensions.Hosting;

namespace FhirTrial.Cli.Tests;

/// <summary>An in-process FhirTrial server (private SQLite file and export folder) for the commands that talk to one.</summary>
public sealed class CliServerFactory : WebApplicationFactory<Program>
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fhirtrial-cli-").FullName;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:Provider", "sqlite");
        builder.UseSetting("Storage:ConnectionString", $"Data Source={Path.Combine(_folder, "fhir.db")}");
        builder.UseSetting("Export:Folder", Path.Combine(_folder, "export"));
        builder.UseSetting("Export:RetryAfterSeconds", "1");
    }

    protected override IHost CreateHost(IHostBuilder builder) => base.CreateHost(builder).WhenReady();

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Runs <c>fhirtrial</c> in-process with a plain, recorded console; the tests read its exit code and output.</summary>
public static class Cli
{
    public static async Task<(int Exit, string Output)> RunAsync(HttpClient? http, params string[] args)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 200;
        using var own = http is null ? new HttpClient { Timeout = TimeSpan.FromSeconds(10) } : null;
        var exit = await App.RunAsync(args, console, http ?? own!, CancellationToken.None);
        return (exit, writer.ToString());
    }

    public static string Repo(params string[] parts)
    {
        var root = Path.GetDirectoryName(ProjectFolders.Find("profiles"))!;
        return Path.Combine([root, .. parts]);
    }

    /// <summary>A private copy of a folder, so a test may write its state file there.</summary>
    public static string CopyOf(string folder)
    {
        var copy = Directory.CreateTempSubdirectory("fhirtrial-cli-data-").FullName;
        foreach (var file in Directory.GetFiles(folder)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        foreach (var file in Directory.GetFiles(copy)) File.SetAttributes(file, FileAttributes.Normal);
        return copy;
    }
}
