using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace FhirTrial.Server.Tests.Subscriptions;

/// <summary>What a notification endpoint received: path, headers and the body as JSON.</summary>
public sealed record Received(string Path, string? ContentType, string? Authorization, JsonObject Body, DateTimeOffset At);

/// <summary>A notification endpoint on loopback: records every POST and answers with the status <see cref="Reply"/> gives.</summary>
public sealed class NotificationReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<Received> _received = new();
    private readonly SemaphoreSlim _arrived = new(0);

    public int Port { get; }

    /// <summary>The status to answer a POST to a path with (200 unless told).</summary>
    public Func<string, int> Reply { get; set; } = _ => 200;

    /// <summary>Bodies longer than this many characters are answered 413, as an endpoint behind a body limit does.</summary>
    public int? MaxBody { get; set; }

    public NotificationReceiver(int? port = null)
    {
        Port = port ?? FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(ListenAsync);
    }

    public string Url(string path) => $"http://127.0.0.1:{Port}/{path}";

    public IReadOnlyList<Received> At(string path) => _received.Where(r => r.Path == "/" + path).ToList();

    /// <summary>Waits until <paramref name="count"/> notifications have reached <paramref name="path"/>.</summary>
    public async Task<IReadOnlyList<Received>> WaitForAsync(string path, int count = 1, double seconds = 10)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (At(path).Count < count && DateTime.UtcNow < until)
            await _arrived.WaitAsync(TimeSpan.FromMilliseconds(200));
        var got = At(path);
        Assert.True(got.Count >= count, $"{count} notifications expected at /{path} within {seconds} s, {got.Count} arrived");
        return got;
    }

    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task ListenAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            var path = context.Request.Url!.AbsolutePath;
            JsonObject? json;
            try { json = JsonNode.Parse(body) as JsonObject; }
            catch (System.Text.Json.JsonException) { json = null; }
            if (json is null)
            {
                // not a notification (a stray request to this port): answered, so the caller does not wait forever, and
                // the listener goes on
                context.Response.StatusCode = 400;
                context.Response.Close();
                continue;
            }
            _received.Enqueue(new Received(path, context.Request.ContentType, context.Request.Headers["Authorization"], json, DateTimeOffset.UtcNow));
            context.Response.StatusCode = body.Length > MaxBody ? 413 : Reply(path);
            context.Response.Close();
            _arrived.Release();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
    }
}
