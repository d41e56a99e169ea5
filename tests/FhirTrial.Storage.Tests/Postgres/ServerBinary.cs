using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FhirTrial.Storage.Tests.Postgres;

/// <summary>The real FhirTrial.Server binary on PostgreSQL, as a separate process that a test may SIGKILL.</summary>
public sealed class ServerBinary : IAsyncDisposable
{
    private readonly Process _process;
    public HttpClient Client { get; }

    private ServerBinary(Process process, HttpClient client)
    {
        _process = process;
        Client = client;
    }

    public static async Task<ServerBinary> StartAsync(string connectionString, int port = 0)
    {
        port = port == 0 ? FreePort() : port;
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        foreach (var arg in new[]
        {
            ServerDll(), "--urls", $"http://127.0.0.1:{port}", "--Storage:Provider=postgres", $"--Storage:ConnectionString={connectionString}",
            "--Logging:LogLevel:Default=Warning",
        }) info.ArgumentList.Add(arg);
        var process = Process.Start(info)!;
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        var server = new ServerBinary(process, client);
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"The server exited with code {process.ExitCode} before it was ready:\n{string.Join('\n', log.TakeLast(30))}");
            try
            {
                if ((await client.GetAsync("/fhir/metadata")).StatusCode == HttpStatusCode.OK) return server;
            }
            catch (HttpRequestException) { }
            await Task.Delay(250);
        }
        await server.DisposeAsync();
        throw new TimeoutException("The server did not answer /fhir/metadata within 120 s.");
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, the process is simply gone.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    private static string ServerDll()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "FhirTrial.Server", "bin", configuration, "net10.0", "FhirTrial.Server.dll");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"FhirTrial.Server.dll ({configuration}) was not built: build the solution (dotnet build FhirTrial.sln) before these tests.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
