using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.TestHost;

namespace FhirTrial.Server.Tests.Subscriptions;

/// <summary>A client of the websocket subscription channel: sends commands and collects every text message the server
/// sends, so a test can wait for the next one or prove that none came.</summary>
public sealed class SubscriptionSocketClient : IAsyncDisposable
{
    public static readonly Uri Endpoint = new("ws://localhost/fhir/websocket");

    private readonly WebSocket _socket;
    private readonly Channel<string> _messages = Channel.CreateUnbounded<string>();
    private readonly Task _pump;

    private SubscriptionSocketClient(WebSocket socket)
    {
        _socket = socket;
        _pump = PumpAsync();
    }

    /// <summary>Opens the channel with <paramref name="token"/> as the bearer token (none: no Authorization header).</summary>
    public static async Task<SubscriptionSocketClient> OpenAsync(TestServer server, string? token)
        => new(await Connect(server, token).ConnectAsync(Endpoint, CancellationToken.None));

    /// <summary>The test server's websocket client, with the token in the upgrade request when one is given.</summary>
    public static WebSocketClient Connect(TestServer server, string? token)
    {
        var client = server.CreateWebSocketClient();
        if (token is not null) client.ConfigureRequest = request => request.Headers.Authorization = $"Bearer {token}";
        return client;
    }

    public Task SendAsync(string text)
        => _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    /// <summary>The next message; fails after <paramref name="seconds"/>.</summary>
    public async Task<string> NextAsync(double seconds = 10)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            return await _messages.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"no websocket message within {seconds} s");
        }
    }

    /// <summary>True when nothing arrives within <paramref name="seconds"/>.</summary>
    public async Task<bool> QuietAsync(double seconds)
    {
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        return !_messages.Reader.TryPeek(out _);
    }

    /// <summary>Sends <c>bind {id}</c> and returns the answer.</summary>
    public async Task<string> BindAsync(string subscriptionId)
    {
        await SendAsync($"bind {subscriptionId}");
        return await NextAsync();
    }

    private async Task PumpAsync()
    {
        var buffer = new byte[1 << 16];
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                    message.Write(buffer, 0, result.Count);
                } while (!result.EndOfMessage);
                if (result.MessageType == WebSocketMessageType.Close) break;
                await _messages.Writer.WriteAsync(Encoding.UTF8.GetString(message.ToArray()));
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or IOException)
        {
            // closed under us
        }
        finally
        {
            _messages.Writer.TryComplete();
        }
    }

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        await Task.WhenAny(_pump, Task.Delay(TimeSpan.FromSeconds(5)));
        _socket.Dispose();
    }
}
