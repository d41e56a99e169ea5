using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FhirTrial.Tests.Shared;

/// <summary>The real server binary started as a separate process on a free loopback port (shared by the test projects).</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    public HttpClient Client { get; }
    public string DataFolder { get; }

    private ServerProcess(Process process, HttpClient client, string dataFolder)
    {
        _process = process;
        Client = client;
        DataFolder = dataFolder;
    }

    public static async Task<ServerProcess> StartAsync(params string[] extraArgs)
    {
        var dll = ServerDll();
        var port = FreePort();
        var folder = Directory.CreateTempSubdirectory("fhirtrial-e2e-").FullName;
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        foreach (var arg in new[] { dll, "--urls", $"http://127.0.0.1:{port}", "--Storage:ConnectionString", $"Data Source={Path.Combine(folder, "fhir.db")}" }.Concat(extraArgs))
            info.ArgumentList.Add(arg);
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var server = new ServerProcess(process, client, folder);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"The server exited with code {process.ExitCode} before it was ready.");
            try
            {
                if ((await client.GetAsync("/fhir/metadata")).StatusCode == HttpStatusCode.OK) return server;
            }
            catch (HttpRequestException) { }
            await Task.Delay(250);
        }
        await server.DisposeAsync();
        throw new TimeoutException("The server did not answer /fhir/metadata within 90 s.");
    }

    /// <summary>The server's build output, found from the repository root.</summary>
    private static string ServerDll()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "FhirTrial.Server", "bin", configuration, "net10.0", "FhirTrial.Server.dll");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("FhirTrial.Server.dll was not built.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>SIGKILL to the server at once: walking the process tree first took long enough for in-flight requests to finish.</summary>
    public void Kill() => _process.Kill();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { Directory.Delete(DataFolder, recursive: true); } catch (IOException) { }
    }
}
