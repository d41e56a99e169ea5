using System.Diagnostics;
using System.Text;

namespace FhirTrial.Server.Tests.Dashboard;

/// <summary>
/// Runs the dashboard's browser tests (tests/dashboard: Node's test runner, playwright-core, Debian's headless
/// Chromium at /usr/bin/chromium) against this build of the server binary. Missing Node, npm or Chromium is a
/// failure with their output, never a skip.
/// </summary>
public sealed class DashboardBrowserTests
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan PerTestTimeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task The_dashboard_shows_the_right_plots_in_headless_Chromium()
    {
        var folder = Path.Combine(RepositoryRoot(), "tests", "dashboard");
        var environment = new Dictionary<string, string> { ["FHIRTRIAL_SERVER_DLL"] = ServerDll() };

        var install = await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--prefer-offline"], folder, environment, InstallTimeout);
        Assert.True(install.ExitCode == 0, $"npm ci failed in {folder} (exit {install.ExitCode}):\n{install.Output}");

        // a test that hangs fails on its own, by name, instead of the whole run being killed with nothing said
        var run = await RunAsync("node", ["--test", "--test-concurrency=1", "--test-reporter=spec", $"--test-timeout={(int)PerTestTimeout.TotalMilliseconds}"],
            folder, environment, TestTimeout);
        Assert.True(run.ExitCode == 0, $"The dashboard browser tests failed (exit {run.ExitCode}); screenshots in tests/dashboard/artifacts/.\n{run.Output}");
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(
        string program, string[] arguments, string folder, Dictionary<string, string> environment, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(program) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        foreach (var (key, value) in environment) info.Environment[key] = value;

        var output = new StringBuilder();
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, $"Could not start `{program}` ({e.Message}): the dashboard tests need Node.js 20+ with npm, and Debian's chromium.");
        }

        using (process)
        {
            void Append(object? _, DataReceivedEventArgs e)
            {
                if (e.Data is null) return;
                lock (output) output.AppendLine(e.Data);
            }
            process.OutputDataReceived += Append;
            process.ErrorDataReceived += Append;
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                lock (output) output.AppendLine($"-- killed after {timeout.TotalMinutes} minutes");
                return (-1, Tail(output));
            }
            process.WaitForExit(); // drains the redirected output
            return (process.ExitCode, Tail(output));
        }
    }

    private static string Tail(StringBuilder output)
    {
        lock (output)
        {
            const int Keep = 30_000;
            return output.Length <= Keep ? output.ToString() : "…" + output.ToString(output.Length - Keep, Keep);
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "tests", "dashboard", "package.json"))) return dir.FullName;
        throw new DirectoryNotFoundException("tests/dashboard was not found above the test binary.");
    }

    /// <summary>The server build this test project references (Debug or Release, as this test binary).</summary>
    private static string ServerDll()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var dll = Path.Combine(RepositoryRoot(), "src", "FhirTrial.Server", "bin", configuration, "net10.0", "FhirTrial.Server.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("FhirTrial.Server.dll was not built.", dll);
    }
}
