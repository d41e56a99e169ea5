using Microsoft.AspNetCore.Hosting;
using System.Net;
using System.Text.Json.Nodes;
using FhirTrial.Server.Tests.Security;

namespace FhirTrial.Server.Tests.Subscriptions;

/// <summary>The R4 websocket channel with Auth on, through the real pipeline: the same token as the API, bind / bound /
/// ping, notifications of creates, updates and deletes from the outbox, a site's own data only.</summary>
[Collection(SecuredServerCollection.Name)]
public sealed class WebSocketSubscriptionTests(SecuredServerFactory factory)
{
    internal const string SeriousCriteria = "AdverseEvent?seriousness=http://terminology.hl7.org/CodeSystem/adverse-event-seriousness|serious";

    public static string WebSocketSubscription(string criteria, bool payload = true)
    {
        var channel = new JsonObject { ["type"] = "websocket" };
        if (payload) channel["payload"] = "application/fhir+json";
        return new JsonObject
        {
            ["resourceType"] = "Subscription",
            ["status"] = "requested",
            ["reason"] = "tell the site",
            ["criteria"] = criteria,
            ["channel"] = channel,
        }.ToJsonString();
    }

    internal static async Task<string> SubscribeAsync(SecuredServerFactory factory, string client, string json)
    {
        using var http = await factory.ClientForAsync(client);
        var created = await http.PostAsync("/fhir/Subscription", Http.Json(json));
        await StudyData.OkAsync(created);
        var body = await created.BodyAsync();
        Assert.Equal("active", (string)body["status"]!);
        return (string)body["id"]!;
    }

    internal static async Task TurnOffAsync(SecuredServerFactory factory, string client, string id)
    {
        using var http = await factory.ClientForAsync(client);
        var body = await http.JsonAsync($"/fhir/Subscription/{id}");
        body["status"] = "off";
        await StudyData.OkAsync(await http.PutAsync($"/fhir/Subscription/{id}", Http.Json(body)));
    }

    private static JsonObject Notification(string message) => (JsonObject)JsonNode.Parse(message)!;

    [Fact]
    public async Task A_site_client_hears_of_creates_updates_and_deletes_of_its_own_sites_data_only()
    {
        await StudyData.SeedAsync(factory);
        var id = await SubscribeAsync(factory, "renji", WebSocketSubscription(SeriousCriteria));
        await using var socket = await SubscriptionSocketClient.OpenAsync(factory.Server, await factory.TokenAsync("renji"));
        Assert.Equal($"bound {id}", await socket.BindAsync(id));

        using var renji = await factory.ClientForAsync("renji");
        using var zhongshan = await factory.ClientForAsync("zhongshan");
        // another site's serious event comes first: were it heard, it would be the first message
        await StudyData.OkAsync(await zhongshan.PostAsync("/fhir/AdverseEvent", Http.Json(SubscriptionTests.AdverseEvent("zs-p1", "serious"))));
        var created = await renji.PostAsync("/fhir/AdverseEvent", Http.Json(SubscriptionTests.AdverseEvent("renji-p1", "serious")));
        await StudyData.OkAsync(created);
        var adverse = await created.BodyAsync();
        var aeId = (string)adverse["id"]!;

        Assert.Equal($"ping {id}", await socket.NextAsync());
        var onCreate = Notification(await socket.NextAsync());
        Assert.Equal("history", (string)onCreate["type"]!);
        Assert.Equal(aeId, (string)onCreate["entry"]![1]!["resource"]!["id"]!);
        Assert.Equal("POST", (string)onCreate["entry"]![1]!["request"]!["method"]!);

        adverse["outcome"] = new JsonObject { ["text"] = "recovering" };
        await StudyData.OkAsync(await renji.PutAsync($"/fhir/AdverseEvent/{aeId}", Http.Json(adverse)));
        Assert.Equal($"ping {id}", await socket.NextAsync());
        var onUpdate = Notification(await socket.NextAsync());
        Assert.Equal(("PUT", "2"), ((string)onUpdate["entry"]![1]!["request"]!["method"]!, (string)onUpdate["entry"]![1]!["resource"]!["meta"]!["versionId"]!));

        await StudyData.OkAsync(await renji.DeleteAsync($"/fhir/AdverseEvent/{aeId}"));
        Assert.Equal($"ping {id}", await socket.NextAsync());
        var onDelete = Notification(await socket.NextAsync());
        var deletion = onDelete["entry"]![1]!;
        Assert.Equal(("DELETE", $"AdverseEvent/{aeId}"), ((string)deletion["request"]!["method"]!, (string)deletion["request"]!["url"]!));
        Assert.Null(deletion["resource"]);
        Assert.EndsWith($"AdverseEvent/{aeId}/_history/3",
            (string)onDelete["entry"]![0]!["resource"]!["parameter"]!.AsArray().First(p => (string)p!["name"]! == "notification-event")!["part"]!
                .AsArray().First(p => (string)p!["name"]! == "focus")!["valueReference"]!["reference"]!);

        Assert.True(await socket.QuietAsync(0.5), "the renji socket heard more than its own site's three changes");

        var audits = await StudyData.AuditEventsAsync(factory, $"entity=Subscription/{id}");
        Assert.Equal(3, audits.Count(a => ((string?)a!["outcomeDesc"])?.StartsWith("delivered to 1 websocket(s) of renji-client") == true));
        await TurnOffAsync(factory, "renji", id);
    }

    [Fact]
    public async Task Binding_what_the_client_may_not_hear_is_refused()
    {
        await StudyData.SeedAsync(factory);
        var zhongshans = await SubscribeAsync(factory, "zhongshan", WebSocketSubscription(SeriousCriteria));
        var sponsors = await SubscribeAsync(factory, "admin", WebSocketSubscription(SeriousCriteria, payload: false));
        var restHook = await SubscribeAsync(factory, "renji",
            SubscriptionTests.Subscription(SeriousCriteria, $"http://127.0.0.1:{factory.NotificationPort}/renji"));

        await using (var renji = await SubscriptionSocketClient.OpenAsync(factory.Server, await factory.TokenAsync("renji")))
        {
            Assert.StartsWith($"error {zhongshans} ", await renji.BindAsync(zhongshans));
            // the sponsor's subscription matches every site's data
            Assert.StartsWith($"error {sponsors} ", await renji.BindAsync(sponsors));
            Assert.StartsWith($"error {restHook} ", await renji.BindAsync(restHook));
            Assert.Equal("error nothing-here Subscription/nothing-here is not known.", await renji.BindAsync("nothing-here"));
            Assert.StartsWith("error ", await renji.BindAsync("../../etc"));
            await renji.SendAsync("listen to everything");
            Assert.StartsWith("error ", await renji.NextAsync());
        }
        // a study-wide role binds only its own: a monitor, who may read the sponsor's, would take the notifications held for it
        await using (var researcher = await SubscriptionSocketClient.OpenAsync(factory.Server, await factory.TokenAsync("researcher")))
            Assert.StartsWith($"error {sponsors} ", await researcher.BindAsync(sponsors));
        await using (var monitor = await SubscriptionSocketClient.OpenAsync(factory.Server, await factory.TokenAsync("monitor")))
            Assert.StartsWith($"error {sponsors} ", await monitor.BindAsync(sponsors));
        await using (var admin = await SubscriptionSocketClient.OpenAsync(factory.Server, await factory.TokenAsync("admin")))
            Assert.Equal($"bound {sponsors}", await admin.BindAsync(sponsors));

        // a token without Subscription read scope does not open the channel at all
        var narrowToken = await factory.TokenAsync("narrow");
        var narrow = await Assert.ThrowsAnyAsync<Exception>(() => SubscriptionSocketClient.OpenAsync(factory.Server, narrowToken));
        Assert.Contains("403", narrow.Message);

        await TurnOffAsync(factory, "zhongshan", zhongshans);
        await TurnOffAsync(factory, "admin", sponsors);
        await TurnOffAsync(factory, "renji", restHook);
    }

    [Fact]
    public async Task A_node_that_does_not_dispatch_refuses_every_bind_instead_of_holding_a_socket_that_would_never_hear()
    {
        await StudyData.SeedAsync(factory);
        var renjis = await SubscribeAsync(factory, "renji", WebSocketSubscription(SeriousCriteria));
        // a second node on the same store that sends nothing
        await using var quiet = factory.WithWebHostBuilder(b => b.UseSetting("Subscriptions:Dispatch", "false"));
        await using (var renji = await SubscriptionSocketClient.OpenAsync(quiet.Server, await factory.TokenAsync("renji")))
            Assert.Equal($"error {renjis} {FhirTrial.Fhir.Subscriptions.SubscriptionSockets.NotDispatching}", await renji.BindAsync(renjis));
        await using (var renji = await SubscriptionSocketClient.OpenAsync(factory.Server, await factory.TokenAsync("renji")))
            Assert.Equal($"bound {renjis}", await renji.BindAsync(renjis));
        await TurnOffAsync(factory, "renji", renjis);
    }

    [Fact]
    public async Task An_upgrade_without_a_valid_token_is_refused_with_401_and_a_plain_GET_is_a_bad_request()
    {
        var anonymous = await Assert.ThrowsAnyAsync<Exception>(() => SubscriptionSocketClient.OpenAsync(factory.Server, null));
        Assert.Contains("401", anonymous.Message);
        var forged = await Assert.ThrowsAnyAsync<Exception>(() => SubscriptionSocketClient.OpenAsync(factory.Server, "not.a.token"));
        Assert.Contains("401", forged.Message);

        using var http = await factory.ClientForAsync("researcher");
        var plain = await http.GetAsync("/fhir/websocket");
        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
        Assert.Equal("OperationOutcome", (string)(await plain.BodyAsync())["resourceType"]!);
    }

    [Fact]
    public async Task The_CapabilityStatement_names_the_websocket_endpoint()
    {
        using var http = factory.CreateClient();
        var metadata = await (await http.GetAsync("/fhir/metadata")).BodyAsync();
        var extension = metadata["rest"]![0]!["extension"]!.AsArray()
            .Single(e => (string)e!["url"]! == "http://hl7.org/fhir/StructureDefinition/capabilitystatement-websocket");
        Assert.Equal("ws://localhost/fhir/websocket", (string)extension!["valueUrl"]!);
    }
}
