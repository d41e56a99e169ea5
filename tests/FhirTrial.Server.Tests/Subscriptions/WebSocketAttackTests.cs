using FhirTrial.Fhir.Storage;
using FhirTrial.Server.Tests.Security;
using Microsoft.Extensions.DependencyInjection;
using static FhirTrial.Server.Tests.Subscriptions.WebSocketSubscriptionTests;

namespace FhirTrial.Server.Tests.Subscriptions;

/// <summary>The websocket channel attacked with valid tokens, through the real pipeline: what a client may never hear,
/// and what one client may not cost the others.</summary>
[Collection(SecuredServerCollection.Name)]
public sealed class WebSocketAttackTests(SecuredServerFactory factory)
{
    private const string SeriousCriteria = "AdverseEvent?seriousness=http://terminology.hl7.org/CodeSystem/adverse-event-seriousness|serious";

    [Fact]
    public async Task A_site_that_rewrites_the_sponsors_subscription_does_not_hear_what_was_matched_for_the_sponsor()
    {
        await StudyData.SeedAsync(factory);
        var sponsors = await SubscribeAsync(factory, "admin", WebSocketSubscription(SeriousCriteria));
        using var zhongshan = await factory.ClientForAsync("zhongshan");
        await StudyData.OkAsync(await zhongshan.PostAsync("/fhir/AdverseEvent", Http.Json(SubscriptionTests.AdverseEvent("zs-p1", "serious"))));
        // no socket is bound: zhongshan's event is held for the sponsor
        var outbox = factory.Services.GetRequiredService<ISubscriptionOutbox>();
        Assert.NotEmpty(await outbox.PendingAsync(sponsors, CancellationToken.None));

        // renji writes the sponsor's subscription back unchanged: it now acts with renji's access, and renji may bind it
        using var renji = await factory.ClientForAsync("renji");
        var subscription = await renji.JsonAsync($"/fhir/Subscription/{sponsors}");
        await StudyData.OkAsync(await renji.PutAsync($"/fhir/Subscription/{sponsors}", Http.Json(subscription)));
        await using var socket = await SubscriptionSocketClient.OpenAsync(factory.Server, await factory.TokenAsync("renji"));
        Assert.Equal($"bound {sponsors}", await socket.BindAsync(sponsors));
        Assert.True(await socket.QuietAsync(2), "renji heard of an event matched with the sponsor's access (zhongshan's data)");

        // what is matched for renji from now on is heard
        await StudyData.OkAsync(await renji.PostAsync("/fhir/AdverseEvent", Http.Json(SubscriptionTests.AdverseEvent("renji-p1", "serious"))));
        Assert.Equal($"ping {sponsors}", await socket.NextAsync());
        var bundle = (System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(await socket.NextAsync())!;
        Assert.Equal("Patient/renji-p1", (string)bundle["entry"]![1]!["resource"]!["subject"]!["reference"]!);
        await TurnOffAsync(factory, "admin", sponsors);
    }
}
