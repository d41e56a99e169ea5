using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using FhirTrial.Fhir.Security;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Storage;
using FhirTrial.Fhir.Subscriptions;
using FhirTrial.Server.Http;
using FhirTrial.Server.Tests.Security;
using Microsoft.Extensions.DependencyInjection;
using static FhirTrial.Server.Tests.Subscriptions.WebSocketSubscriptionTests;

namespace FhirTrial.Server.Tests.Subscriptions;

/// <summary>The websocket channel attacked with valid tokens, through the real pipeline: what a client may never hear,
/// and what one client may not cost the others.</summary>
[Collection(SecuredServerCollection.Name)]
public sealed class WebSocketAttackTests(SecuredServerFactory factory)
{
    [Fact]
    public async Task Who_rewrites_a_subscription_does_not_hear_what_was_matched_for_its_previous_owner()
    {
        await StudyData.SeedAsync(factory);
        var renjis = await SubscribeAsync(factory, "renji", WebSocketSubscription(SeriousCriteria));
        using var renji = await factory.ClientForAsync("renji");
        await StudyData.OkAsync(await renji.PostAsync("/fhir/AdverseEvent", Http.Json(SubscriptionTests.AdverseEvent("renji-p1", "serious"))));
        // no socket is bound: renji's event is held for renji
        var outbox = factory.Services.GetRequiredService<ISubscriptionOutbox>();
        Assert.NotEmpty(await outbox.PendingAsync(renjis, CancellationToken.None));

        // the admin writes renji's subscription back unchanged: it now acts with the admin's access, and the admin may bind it
        using var admin = await factory.ClientForAsync("admin");
        var subscription = await admin.JsonAsync($"/fhir/Subscription/{renjis}");
        await StudyData.OkAsync(await admin.PutAsync($"/fhir/Subscription/{renjis}", Http.Json(subscription)));
        await using var socket = await SubscriptionSocketClient.OpenAsync(factory.Server, await factory.TokenAsync("admin"));
        Assert.Equal($"bound {renjis}", await socket.BindAsync(renjis));
        Assert.True(await socket.QuietAsync(2), "the admin heard of an event matched with renji's access");

        // what is matched for the admin from now on is heard
        using var zhongshan = await factory.ClientForAsync("zhongshan");
        await StudyData.OkAsync(await zhongshan.PostAsync("/fhir/AdverseEvent", Http.Json(SubscriptionTests.AdverseEvent("zs-p1", "serious"))));
        Assert.Equal($"ping {renjis}", await socket.NextAsync());
        var bundle = (System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(await socket.NextAsync())!;
        Assert.Equal("Patient/zs-p1", (string)bundle["entry"]![1]!["resource"]!["subject"]!["reference"]!);
        await TurnOffAsync(factory, "admin", renjis);
    }

    [Fact]
    public async Task A_site_sees_and_writes_only_its_own_sites_subscriptions()
    {
        await StudyData.SeedAsync(factory);
        var sponsors = await SubscribeAsync(factory, "admin", WebSocketSubscription(SeriousCriteria));
        var renjis = await SubscribeAsync(factory, "renji", WebSocketSubscription(SeriousCriteria));
        using var zhongshan = await factory.ClientForAsync("zhongshan");
        foreach (var id in new[] { sponsors, renjis })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await zhongshan.GetAsync($"/fhir/Subscription/{id}")).StatusCode);
            var found = await zhongshan.JsonAsync($"/fhir/Subscription?_id={id}");
            Assert.Empty(found["entry"]?.AsArray() ?? []);
            // nor taken over by writing it (which would make it act with zhongshan's access), nor deleted
            var takeover = JsonNode.Parse(WebSocketSubscription(SeriousCriteria))!.AsObject();
            takeover["id"] = id;
            var put = await zhongshan.PutAsync($"/fhir/Subscription/{id}", Http.Json(takeover));
            Assert.True(put.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.Conflict, $"PUT: {put.StatusCode}");
            var delete = await zhongshan.DeleteAsync($"/fhir/Subscription/{id}");
            Assert.True(delete.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"DELETE: {delete.StatusCode}");
        }
        using var renji = await factory.ClientForAsync("renji");
        Assert.Equal(HttpStatusCode.OK, (await renji.GetAsync($"/fhir/Subscription/{renjis}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await renji.GetAsync($"/fhir/Subscription/{sponsors}")).StatusCode);
        using var admin = await factory.ClientForAsync("admin");
        Assert.Equal("active", (string)(await admin.JsonAsync($"/fhir/Subscription/{sponsors}"))["status"]!);
        Assert.Equal("active", (string)(await admin.JsonAsync($"/fhir/Subscription/{renjis}"))["status"]!);
        await TurnOffAsync(factory, "admin", sponsors);
        await TurnOffAsync(factory, "renji", renjis);
    }

    [Fact]
    public async Task A_researcher_sees_and_changes_only_its_own_subscriptions_and_a_monitor_oversees_them_all()
    {
        await StudyData.SeedAsync(factory);
        var sponsors = await SubscribeAsync(factory, "admin", WebSocketSubscription(SeriousCriteria));
        using var researcher = await factory.ClientForAsync("researcher");
        // the sponsor's subscription, its criteria and its channel.header credentials are not there to a researcher
        Assert.Equal(HttpStatusCode.NotFound, (await researcher.GetAsync($"/fhir/Subscription/{sponsors}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await researcher.GetAsync($"/fhir/Subscription/{sponsors}/_history/1")).StatusCode);
        Assert.Empty((await researcher.JsonAsync($"/fhir/Subscription?_id={sponsors}"))["entry"]?.AsArray() ?? []);
        Assert.DoesNotContain(sponsors, (await researcher.GetStringAsync("/fhir/Subscription/_history")));
        // nor can it be taken over (it would act with the researcher's access) or silenced
        var takeover = JsonNode.Parse(WebSocketSubscription(SeriousCriteria))!.AsObject();
        takeover["id"] = sponsors;
        Assert.Equal(HttpStatusCode.NotFound, (await researcher.PutAsync($"/fhir/Subscription/{sponsors}", Http.Json(takeover))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await researcher.DeleteAsync($"/fhir/Subscription/{sponsors}")).StatusCode);
        var inBundle = new JsonObject
        {
            ["resourceType"] = "Bundle", ["type"] = "transaction",
            ["entry"] = new JsonArray(new JsonObject { ["request"] = new JsonObject { ["method"] = "DELETE", ["url"] = $"Subscription/{sponsors}" } }),
        };
        var bundle = await researcher.PostAsync("/fhir", Http.Json(inBundle));
        Assert.True(bundle.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, $"Bundle DELETE: {bundle.StatusCode}");
        await using (var socket = await SubscriptionSocketClient.OpenAsync(factory.Server, await factory.TokenAsync("researcher")))
            Assert.StartsWith("error", await socket.BindAsync(sponsors));

        // its own it reads, binds and changes; the monitor reads both; the statistician neither
        var own = await SubscribeAsync(factory, "researcher", WebSocketSubscription(SeriousCriteria));
        Assert.Equal(HttpStatusCode.OK, (await researcher.GetAsync($"/fhir/Subscription/{own}")).StatusCode);
        using var monitor = await factory.ClientForAsync("monitor");
        using var statistician = await factory.ClientForAsync("statistician");
        foreach (var id in new[] { sponsors, own })
        {
            Assert.Equal(HttpStatusCode.OK, (await monitor.GetAsync($"/fhir/Subscription/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await statistician.GetAsync($"/fhir/Subscription/{id}")).StatusCode);
        }
        using var admin = await factory.ClientForAsync("admin");
        Assert.Equal("active", (string)(await admin.JsonAsync($"/fhir/Subscription/{sponsors}"))["status"]!);
        await TurnOffAsync(factory, "researcher", own);
        await TurnOffAsync(factory, "admin", sponsors);
    }

    [Fact]
    public async Task A_monitor_allowed_to_write_subscriptions_still_changes_only_its_own()
    {
        await StudyData.SeedAsync(factory);
        var sponsors = await SubscribeAsync(factory, "admin", WebSocketSubscription(SeriousCriteria));
        // the test's monitor holds read scopes only; one whose token also allowed writing Subscriptions
        var monitor = new AccessPrincipal("monitor-with-write", StudyRole.Monitor, null, SmartScopes.Parse("system/*.rs system/Subscription.cruds"));
        var resources = factory.Services.GetRequiredService<FhirTrial.Fhir.Engine.ResourceService>();
        using (factory.Services.GetRequiredService<AccessContext>().Enter(new RequestAccess(monitor, new FhirInteraction("update", "Subscription", sponsors))))
        {
            var stored = await factory.Services.GetRequiredService<IFhirStore>().ReadAsync("Subscription", sponsors, CancellationToken.None);
            Assert.NotNull(stored); // it oversees every subscription
            var retarget = FhirSerializer.ParseJson(stored.Json);
            var refused = await Assert.ThrowsAsync<FhirTrial.Fhir.Errors.FhirException>(
                () => resources.UpdateAsync("Subscription", sponsors, retarget, null, CancellationToken.None));
            Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
            refused = await Assert.ThrowsAsync<FhirTrial.Fhir.Errors.FhirException>(
                () => resources.DeleteAsync("Subscription", sponsors, CancellationToken.None));
            Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        }
        using var admin = await factory.ClientForAsync("admin");
        var after = await admin.JsonAsync($"/fhir/Subscription/{sponsors}");
        Assert.Equal(("active", "1"), ((string)after["status"]!, (string)after["meta"]!["versionId"]!));
        await TurnOffAsync(factory, "admin", sponsors);
    }

    [Fact]
    public async Task A_site_hears_nothing_of_another_sites_deletion()
    {
        await StudyData.SeedAsync(factory);
        var id = await SubscribeAsync(factory, "renji", WebSocketSubscription(SeriousCriteria));
        await using var socket = await SubscriptionSocketClient.OpenAsync(factory.Server, await factory.TokenAsync("renji"));
        Assert.Equal($"bound {id}", await socket.BindAsync(id));
        using var zhongshan = await factory.ClientForAsync("zhongshan");
        var theirs = await zhongshan.PostAsync("/fhir/AdverseEvent", Http.Json(SubscriptionTests.AdverseEvent("zs-p1", "serious")));
        await StudyData.OkAsync(theirs);
        await StudyData.OkAsync(await zhongshan.DeleteAsync($"/fhir/AdverseEvent/{(string)(await theirs.BodyAsync())["id"]!}"));
        // renji's own event is the first thing its socket hears: neither zhongshan's create nor its deletion came before
        using var renji = await factory.ClientForAsync("renji");
        await StudyData.OkAsync(await renji.PostAsync("/fhir/AdverseEvent", Http.Json(SubscriptionTests.AdverseEvent("renji-p1", "serious"))));
        Assert.Equal($"ping {id}", await socket.NextAsync());
        var bundle = JsonNode.Parse(await socket.NextAsync())!;
        Assert.Equal("Patient/renji-p1", (string)bundle["entry"]![1]!["resource"]!["subject"]!["reference"]!);
        Assert.True(await socket.QuietAsync(0.5));
        await TurnOffAsync(factory, "renji", id);
    }

    /// <summary>Serves <paramref name="socket"/> as a socket of renji's, as the endpoint does once the upgrade is authorised.</summary>
    private Task RunAsRenji(WebSocket socket, DateTimeOffset? expires, CancellationToken ct)
    {
        var renji = factory.Clients["renji"];
        var principal = new AccessPrincipal(renji.ClientId, StudyRole.Site, "renji", SmartScopes.Parse(renji.Scopes));
        using (factory.Services.GetRequiredService<AccessContext>().Enter(new RequestAccess(principal, SubscriptionWebSocketEndpoint.Interaction)))
            return factory.Services.GetRequiredService<SubscriptionSockets>().RunAsync(socket, principal, expires, ct);
    }

    [Fact]
    public async Task Who_takes_over_a_rest_hook_subscription_is_not_sent_the_retries_matched_for_its_owner()
    {
        await StudyData.SeedAsync(factory);
        using var receiver = new NotificationReceiver(factory.NotificationPort) { Reply = path => path == "/renji-down" ? 503 : 200 };
        using var renji = await factory.ClientForAsync("renji");
        var created = await renji.PostAsync("/fhir/Subscription", Http.Json(SubscriptionTests.Subscription(SeriousCriteria, receiver.Url("renji-down"))));
        await StudyData.OkAsync(created);
        var subscription = await created.BodyAsync();
        var id = (string)subscription["id"]!;
        await StudyData.OkAsync(await renji.PostAsync("/fhir/AdverseEvent", Http.Json(SubscriptionTests.AdverseEvent("renji-p1", "serious"))));
        await receiver.WaitForAsync("renji-down"); // failed: to be tried again in 5 s

        // the admin points renji's subscription at its own endpoint; the retry of renji's event must not go there
        using var admin = await factory.ClientForAsync("admin");
        subscription = await admin.JsonAsync($"/fhir/Subscription/{id}");
        subscription["channel"]!["endpoint"] = receiver.Url("admin");
        await StudyData.OkAsync(await admin.PutAsync($"/fhir/Subscription/{id}", Http.Json(subscription)));
        await Task.Delay(TimeSpan.FromSeconds(7));
        Assert.Empty(receiver.At("admin"));
        Assert.Empty(await factory.Services.GetRequiredService<ISubscriptionOutbox>().PendingAsync(id, CancellationToken.None));
        await TurnOffAsync(factory, "admin", id);
    }

    [Fact]
    public async Task Sockets_that_never_read_hold_up_no_other_subscriber()
    {
        await StudyData.SeedAsync(factory);
        var stalled = await SubscribeAsync(factory, "renji", WebSocketSubscription(SeriousCriteria));
        var heard = await SubscribeAsync(factory, "renji", WebSocketSubscription(SeriousCriteria, payload: false));
        // three sockets of renji's that take their 'bound' and then never read (the server's send to each waits for its timeout)
        using var stop = new CancellationTokenSource();
        var unread = Enumerable.Range(0, 3).Select(_ => new UnreadSocket(readable: 1)).ToList();
        var runs = new List<Task>();
        foreach (var socket in unread)
        {
            runs.Add(RunAsRenji(socket, null, stop.Token));
            socket.Send($"bind {stalled}");
        }
        var sockets = factory.Services.GetRequiredService<SubscriptionSockets>();
        for (var i = 0; i < 100 && sockets.BoundTo(stalled).Count < unread.Count; i++) await Task.Delay(50);
        Assert.Equal(unread.Count, sockets.BoundTo(stalled).Count);

        await using var reader = await SubscriptionSocketClient.OpenAsync(factory.Server, await factory.TokenAsync("renji"));
        Assert.Equal($"bound {heard}", await reader.BindAsync(heard));
        using var renji = await factory.ClientForAsync("renji");
        for (var i = 0; i < 3; i++)
            await StudyData.OkAsync(await renji.PostAsync("/fhir/AdverseEvent", Http.Json(SubscriptionTests.AdverseEvent("renji-p1", "serious"))));
        // each stalled send would take the delivery timeout (10 s) from everyone were the dispatcher to wait for it
        var started = DateTime.UtcNow;
        for (var i = 0; i < 3; i++) Assert.Equal($"ping {heard}", await reader.NextAsync(seconds: 25));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), $"the reading client waited {DateTime.UtcNow - started} behind sockets that do not read");

        await stop.CancelAsync();
        await Task.WhenAll(runs);
        Assert.Empty(sockets.BoundTo(stalled));
        await TurnOffAsync(factory, "renji", stalled);
        await TurnOffAsync(factory, "renji", heard);
    }

    [Fact]
    public async Task A_socket_that_does_not_answer_the_close_at_token_expiry_is_cut_off()
    {
        await StudyData.SeedAsync(factory);
        var id = await SubscribeAsync(factory, "renji", WebSocketSubscription(SeriousCriteria, payload: false));
        var sockets = factory.Services.GetRequiredService<SubscriptionSockets>();
        var socket = new UnreadSocket(readable: 1);
        var run = RunAsRenji(socket, DateTimeOffset.UtcNow.AddSeconds(2), CancellationToken.None);
        socket.Send($"bind {id}");
        for (var i = 0; i < 100 && sockets.BoundTo(id).Count == 0; i++) await Task.Delay(20);
        Assert.Single(sockets.BoundTo(id));
        // the close goes out at expiry; the client never answers it
        Assert.Same(run, await Task.WhenAny(run, Task.Delay(SubscriptionSockets.CloseGrace + TimeSpan.FromSeconds(8))));
        Assert.Equal(WebSocketState.Aborted, socket.State);
        Assert.Empty(sockets.BoundTo(id));
        await TurnOffAsync(factory, "renji", id);
    }

    [Fact]
    public async Task A_command_frame_that_never_ends_is_refused_once_it_is_too_long()
    {
        await using var socket = await SubscriptionSocketClient.OpenAsync(factory.Server, await factory.TokenAsync("ruijin"));
        var part = new string('x', 512);
        for (var i = 0; i <= SubscriptionSockets.MaxCommandBytes / part.Length; i++) await socket.SendAsync(part, endOfMessage: false);
        // no end of message is ever sent: the server closes instead of reading on
        await Assert.ThrowsAsync<ChannelClosedException>(() => socket.NextAsync(seconds: 5));
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, socket.CloseStatus);
    }

    [Fact]
    public async Task A_client_owns_a_bounded_number_of_active_subscriptions()
    {
        const string nothing = "Patient?name=nobody-at-all";
        static JsonObject Transaction(IEnumerable<JsonObject> entries)
            => new() { ["resourceType"] = "Bundle", ["type"] = "transaction", ["entry"] = new JsonArray([.. entries]) };
        using var ruijin = await factory.ClientForAsync("ruijin");
        var created = await ruijin.PostAsync("/fhir", Http.Json(Transaction(Enumerable.Range(0, SubscriptionWrites.MaxActivePerClient).Select(_ => new JsonObject
        {
            ["resource"] = JsonNode.Parse(WebSocketSubscription(nothing, payload: false)),
            ["request"] = new JsonObject { ["method"] = "POST", ["url"] = "Subscription" },
        })).ToJsonString()));
        await StudyData.OkAsync(created);
        var ids = (await created.BodyAsync())["entry"]!.AsArray().Select(e => ((string)e!["response"]!["location"]!).Split('/')[1]).ToList();

        // one more, alone or in a Bundle, is refused; another client is not held up by ruijin's
        var refused = await ruijin.PostAsync("/fhir/Subscription", Http.Json(WebSocketSubscription(nothing, payload: false)));
        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains($"at most {SubscriptionWrites.MaxActivePerClient}", await refused.Content.ReadAsStringAsync());
        var others = await SubscribeAsync(factory, "zhongshan", WebSocketSubscription(nothing, payload: false));
        await TurnOffAsync(factory, "zhongshan", others);

        await StudyData.OkAsync(await ruijin.PostAsync("/fhir", Http.Json(Transaction(ids.Select(id => new JsonObject
        {
            ["request"] = new JsonObject { ["method"] = "DELETE", ["url"] = $"Subscription/{id}" },
        })).ToJsonString())));
        await TurnOffAsync(factory, "ruijin", await SubscribeAsync(factory, "ruijin", WebSocketSubscription(nothing, payload: false)));
    }

    [Fact]
    public async Task A_socket_takes_a_bounded_number_of_commands_and_a_client_a_bounded_number_of_sockets()
    {
        var token = await factory.TokenAsync("ruijin");
        await using (var flood = await SubscriptionSocketClient.OpenAsync(factory.Server, token))
        {
            for (var i = 0; i <= SubscriptionSockets.MaxCommandsPerSocket; i++) await flood.SendAsync($"bind nothing-{i}");
            for (var i = 0; i < SubscriptionSockets.MaxCommandsPerSocket; i++) Assert.StartsWith("error ", await flood.NextAsync());
            await Assert.ThrowsAnyAsync<Exception>(() => flood.NextAsync(seconds: 5)); // closed, not answered
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, flood.CloseStatus);
        }

        // another client: the flooding socket keeps its place until it answers the close or its grace ends
        token = await factory.TokenAsync("monitor");
        var open = new List<SubscriptionSocketClient>();
        try
        {
            for (var i = 0; i < SubscriptionSockets.MaxSocketsPerClient; i++) open.Add(await SubscriptionSocketClient.OpenAsync(factory.Server, token));
            var refused = await Assert.ThrowsAnyAsync<Exception>(() => SubscriptionSocketClient.OpenAsync(factory.Server, token));
            Assert.Contains("429", refused.Message);
            await open[0].DisposeAsync();
            open.RemoveAt(0);
            for (var i = 0; i < 100; i++)
                try
                {
                    open.Add(await SubscriptionSocketClient.OpenAsync(factory.Server, token));
                    break;
                }
                catch (Exception e) when (e.Message.Contains("429"))
                {
                    await Task.Delay(50); // the closed socket's place is given back as its request ends
                }
            Assert.Equal(SubscriptionSockets.MaxSocketsPerClient, open.Count);
        }
        finally
        {
            foreach (var socket in open) await socket.DisposeAsync();
        }
    }
}

/// <summary>A client's websocket that sends commands but never reads: past <paramref name="readable"/> sends, a send waits
/// until cancelled, and, as the framework's websocket does, a cancelled send ends the socket.</summary>
internal sealed class UnreadSocket(int readable) : WebSocket
{
    private readonly Channel<string> _commands = Channel.CreateUnbounded<string>();
    private readonly CancellationTokenSource _aborted = new();
    private WebSocketState _state = WebSocketState.Open;
    private int _readable = readable;

    public void Send(string command) => _commands.Writer.TryWrite(command);

    public override WebSocketCloseStatus? CloseStatus => null;
    public override string? CloseStatusDescription => null;
    public override WebSocketState State => _state;
    public override string? SubProtocol => null;

    public override void Abort()
    {
        _state = WebSocketState.Aborted;
        _aborted.Cancel();
    }

    public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken ct)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, _aborted.Token);
        var command = Encoding.UTF8.GetBytes(await _commands.Reader.ReadAsync(either.Token));
        command.CopyTo(buffer.AsSpan());
        return new WebSocketReceiveResult(command.Length, WebSocketMessageType.Text, true);
    }

    public override async Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken ct)
    {
        if (Interlocked.Decrement(ref _readable) >= 0) return;
        try
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, _aborted.Token);
            await Task.Delay(Timeout.Infinite, either.Token);
        }
        catch (OperationCanceledException)
        {
            Abort();
            throw;
        }
    }

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken ct)
    {
        Abort();
        return Task.CompletedTask;
    }

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken ct)
    {
        _state = WebSocketState.CloseSent;
        return Task.CompletedTask;
    }

    public override void Dispose() { }
}
