using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Indexing;
using FhirTrial.Fhir.Security;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Storage;
using FhirTrial.Fhir.Subscriptions;
using FhirTrial.Fhir.Validation;
using FhirTrial.Storage.Sqlite;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FhirTrial.Server.Tests.Subscriptions;

/// <summary>A notification queued by one server node is delivered by the next one on the same database: the outbox row
/// outlives the node that wrote it. The nodes are wired as the server wires them, without the HTTP layer.</summary>
public sealed class OutboxRestartTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fhirtrial-outbox-").FullName;

    private sealed class Node
    {
        public required SqliteFhirStore Store { get; init; }
        public required AccessContext Access { get; init; }
        public required ResourceService Resources { get; init; }
        public required SubscriptionDispatcher Dispatcher { get; init; }
        public required SubscriptionSockets Sockets { get; init; }
    }

    private readonly List<ServiceProvider> _engines = [];

    /// <summary>A node's engine wired by <c>AddFhirEngine</c> and <c>AddFhirSubscriptions</c>, its store guarded as the server's is.</summary>
    private async Task<Node> StartAsync()
    {
        var store = new SqliteFhirStore($"Data Source={Path.Combine(_folder, "fhir.db")}");
        await store.MigrateAsync(CancellationToken.None);
        var access = new AccessContext();
        var settings = new SubscriptionSettings { AllowLoopback = true, PublicBase = "http://127.0.0.1:8080/fhir" };
        var engine = store.BuildFhirEngine(new NoWriteValidation(), Package, more: s => s
            .AddSingleton(access)
            .AddSingleton<ISubscriptionOutbox>(store)
            .AddSingleton<IFhirStore>(sp => new GuardedFhirStore(store, access, sp.GetRequiredService<IndexExtractor>()))
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddFhirSubscriptions(settings));
        _engines.Add(engine);
        return new Node
        {
            Store = store, Access = access,
            Resources = engine.GetRequiredService<ResourceService>(),
            Dispatcher = engine.GetRequiredService<SubscriptionDispatcher>(),
            Sockets = engine.GetRequiredService<SubscriptionSockets>(),
        };
    }

    private static readonly TrialPackage Package = TrialPackage.Load();

    [Fact]
    public async Task A_queued_notification_survives_the_node_that_queued_it()
    {
        using var receiver = new NotificationReceiver();
        string subscriptionId;
        var first = await StartAsync();
        using (first.Access.Enter(new RequestAccess(AccessPrincipal.Anonymous, new FhirInteraction("create"))))
        {
            var json = SubscriptionTests.Subscription(
                "AdverseEvent?seriousness=http://terminology.hl7.org/CodeSystem/adverse-event-seriousness|serious", receiver.Url("sponsor"));
            subscriptionId = (await first.Resources.CreateAsync(FhirSerializer.ParseJson(json), null, CancellationToken.None)).Stored.Id;
            await first.Resources.UpdateAsync("Patient", "p1", new Patient { Id = "p1" }, null, CancellationToken.None);
            await first.Resources.CreateAsync(FhirSerializer.ParseJson(SubscriptionTests.AdverseEvent("p1", "serious")), null, CancellationToken.None);
        }
        Assert.Single(await first.Store.PendingAsync(subscriptionId, CancellationToken.None));
        // the first node stops before delivering anything

        var second = await StartAsync();
        Assert.Equal(1, await second.Dispatcher.DispatchDueAsync(CancellationToken.None));
        var heard = Assert.Single(await receiver.WaitForAsync("sponsor"));
        Assert.Equal("AdverseEvent", (string)heard.Body["entry"]![1]!["resource"]!["resourceType"]!);
        Assert.Empty(await second.Store.PendingAsync(subscriptionId, CancellationToken.None));
    }

    [Fact]
    public async Task A_websocket_notification_held_for_want_of_a_socket_reaches_the_socket_bound_after_a_restart()
    {
        string subscriptionId;
        var first = await StartAsync();
        using (first.Access.Enter(new RequestAccess(AccessPrincipal.Anonymous, new FhirInteraction("create"))))
        {
            var subscription = new Subscription
            {
                Status = Subscription.SubscriptionStatus.Requested,
                Reason = "serious adverse events",
                Criteria = "AdverseEvent?seriousness=http://terminology.hl7.org/CodeSystem/adverse-event-seriousness|serious",
                Channel = new Subscription.ChannelComponent { Type = Subscription.SubscriptionChannelType.Websocket },
            };
            subscriptionId = (await first.Resources.CreateAsync(subscription, null, CancellationToken.None)).Stored.Id;
            await first.Resources.UpdateAsync("Patient", "p1", new Patient { Id = "p1" }, null, CancellationToken.None);
            await first.Resources.CreateAsync(FhirSerializer.ParseJson(SubscriptionTests.AdverseEvent("p1", "serious")), null, CancellationToken.None);
        }
        // no socket is bound to the first node: the notification is held, not counted as a failure
        Assert.Equal(1, await first.Dispatcher.DispatchDueAsync(CancellationToken.None));
        Assert.Equal(0, Assert.Single(await first.Store.PendingAsync(subscriptionId, CancellationToken.None)).Attempts);

        var second = await StartAsync();
        var (server, client) = await SocketPairAsync();
        var session = Task.Run(async () =>
        {
            using var _ = second.Access.Enter(new RequestAccess(AccessPrincipal.Anonymous, new FhirInteraction("websocket", "Subscription")));
            await second.Sockets.RunAsync(server, AccessPrincipal.Anonymous, null, CancellationToken.None);
        });
        await client.SendAsync(System.Text.Encoding.UTF8.GetBytes($"bind {subscriptionId}"), WebSocketMessageType.Text, true, CancellationToken.None);
        Assert.Equal($"bound {subscriptionId}", await ReceiveAsync(client));
        // the bind (just after its answer) makes what was held due at once, not after the first node's recheck interval
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (await second.Dispatcher.DispatchDueAsync(CancellationToken.None) == 0)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(3), "the held notification did not become due on the bind");
            await Task.Delay(20);
        }
        Assert.Equal($"ping {subscriptionId}", await ReceiveAsync(client));
        Assert.Empty(await second.Store.PendingAsync(subscriptionId, CancellationToken.None));

        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        await session.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(second.Sockets.BoundTo(subscriptionId));
    }

    /// <summary>Two ends of a websocket over a loopback TCP connection.</summary>
    private static async Task<(WebSocket Server, WebSocket Client)> SocketPairAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var connecting = new TcpClient();
        var accepting = listener.AcceptTcpClientAsync();
        await connecting.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        var accepted = await accepting;
        listener.Stop();
        return (WebSocket.CreateFromStream(accepted.GetStream(), new WebSocketCreationOptions { IsServer = true }),
            WebSocket.CreateFromStream(connecting.GetStream(), new WebSocketCreationOptions { IsServer = false }));
    }

    private static async Task<string> ReceiveAsync(WebSocket socket)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var result = await socket.ReceiveAsync(buffer, timeout.Token);
        return System.Text.Encoding.UTF8.GetString(buffer, 0, result.Count);
    }

    public void Dispose()
    {
        foreach (var engine in _engines) engine.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
