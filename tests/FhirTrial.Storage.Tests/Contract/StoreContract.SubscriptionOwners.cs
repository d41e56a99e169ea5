using Hl7.Fhir.Model;

namespace FhirTrial.Storage.Tests.Contract;

public abstract partial class StoreContract
{
    [Fact]
    public async Task Subscriptions_stored_before_their_owner_parameters_get_their_owner_rows_once()
    {
        var subscription = new Subscription
        {
            Id = "s1", Status = Subscription.SubscriptionStatus.Active, Reason = "serious adverse events",
            Criteria = "AdverseEvent?seriousness=serious",
            Channel = new Subscription.ChannelComponent { Type = Subscription.SubscriptionChannelType.Websocket },
        };
        var owner = new Extension { Url = Fhir.Subscriptions.SubscriptionOwner.Url };
        owner.AddExtension("client", new FhirString("renji-ehr"));
        owner.AddExtension("role", new Code("site"));
        owner.AddExtension("site", new FhirString("renji"));
        subscription.Extension.Add(owner);
        await PutAsync(subscription);
        await PutAsync(new Subscription
        {
            Id = "s2", Status = Subscription.SubscriptionStatus.Off, Reason = "no owner stamp", Criteria = "Observation",
            Channel = new Subscription.ChannelComponent { Type = Subscription.SubscriptionChannelType.Websocket },
        });
        Assert.Equal(["s1"], Matches(await SearchAsync("Subscription", "owner-client=renji-ehr&owner-site=renji")));

        // as an older server left them: no owner rows
        await ExecuteSqlAsync("DELETE FROM idx_token WHERE param IN ('owner-client', 'owner-site')");
        Assert.Empty(Matches(await SearchAsync("Subscription", "owner-client=renji-ehr")));

        await BackfillSubscriptionOwnersAsync();
        await BackfillSubscriptionOwnersAsync(); // nothing more the second time
        Assert.Equal(["s1"], Matches(await SearchAsync("Subscription", "owner-client=renji-ehr&owner-site=renji")));
        Assert.Equal(1, await CountAsync("Subscription", "owner-client=renji-ehr"));
        Assert.Equal(0, await CountAsync("Subscription", "owner-client:missing=false&_id=s2"));
    }
}
