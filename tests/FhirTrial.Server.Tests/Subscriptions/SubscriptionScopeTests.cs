using System.Net;
using FhirTrial.Server.Tests.Security;

namespace FhirTrial.Server.Tests.Subscriptions;

/// <summary>With Auth on: a site client's subscription hears of its own site's data only, and only allowed endpoints are taken.</summary>
[Collection(SecuredServerCollection.Name)]
public sealed class SubscriptionScopeTests(SecuredServerFactory factory)
{
    private const string SeriousCriteria = "AdverseEvent?seriousness=http://terminology.hl7.org/CodeSystem/adverse-event-seriousness|serious";

    [Fact]
    public async Task A_site_subscription_hears_only_of_its_own_sites_patients()
    {
        await StudyData.SeedAsync(factory);
        using var receiver = new NotificationReceiver(factory.NotificationPort);
        using var renji = await factory.ClientForAsync("renji");
        using var zhongshan = await factory.ClientForAsync("zhongshan");
        var created = await renji.PostAsync("/fhir/Subscription", Http.Json(SubscriptionTests.Subscription(SeriousCriteria, receiver.Url("renji"))));
        await StudyData.OkAsync(created);
        var subscription = await created.BodyAsync();
        Assert.Equal("active", (string)subscription["status"]!);

        await StudyData.OkAsync(await zhongshan.PostAsync("/fhir/AdverseEvent", Http.Json(SubscriptionTests.AdverseEvent("zs-p1", "serious"))));
        var own = await renji.PostAsync("/fhir/AdverseEvent", Http.Json(SubscriptionTests.AdverseEvent("renji-p1", "serious")));
        await StudyData.OkAsync(own);

        var heard = Assert.Single(await receiver.WaitForAsync("renji", seconds: 5));
        Assert.Equal((string)(await own.BodyAsync())["id"]!, (string)heard.Body["entry"]![1]!["resource"]!["id"]!);
        await Task.Delay(500);
        Assert.Single(receiver.At("renji"));

        // the delivery is in the audit trail, as the monitor reads it
        var audits = await StudyData.AuditEventsAsync(factory, $"entity=Subscription/{subscription["id"]}");
        Assert.Contains(audits, a => ((string?)a!["outcomeDesc"])?.StartsWith("delivered to") == true);

        subscription["status"] = "off";
        await StudyData.OkAsync(await renji.PutAsync($"/fhir/Subscription/{subscription["id"]}", Http.Json(subscription)));
    }

    [Fact]
    public async Task With_Auth_on_a_loopback_endpoint_must_be_listed_too()
    {
        using var renji = await factory.ClientForAsync("renji");
        var response = await renji.PostAsync("/fhir/Subscription",
            Http.Json(SubscriptionTests.Subscription(SeriousCriteria, $"http://127.0.0.1:{factory.NotificationPort + 1}/renji")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }
}
