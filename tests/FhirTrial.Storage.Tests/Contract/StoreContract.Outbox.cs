using System.Net;
using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Security;
using FhirTrial.Fhir.Storage;
using FhirTrial.Fhir.Subscriptions;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;

namespace FhirTrial.Storage.Tests.Contract;

/// <summary>The subscription outbox (ISubscriptionOutbox): notifications commit with the change they report, matching
/// runs the criteria as the store's own search within the owner's access, and rows outlive the store object.</summary>
public abstract partial class StoreContract
{
    private const string SeriousCriteria = "AdverseEvent?seriousness=http://terminology.hl7.org/CodeSystem/adverse-event-seriousness|serious";

    private ISubscriptionOutbox Outbox => Assert.IsAssignableFrom<ISubscriptionOutbox>(Store);

    private static readonly AccessPrincipal RenjiSite = new("renji-client", StudyRole.Site, "renji", SmartScopes.All);

    /// <summary>The engine with subscriptions wired in, and the access context its writes are made under.</summary>
    private (ResourceService Resources, AccessContext Access) WithSubscriptions()
    {
        var access = new AccessContext();
        var engine = AnotherEngine(more: s => s.AddSingleton(access).AddFhirSubscriptions(new SubscriptionSettings { AllowLoopback = true }));
        return (engine.GetRequiredService<ResourceService>(), access);
    }

    private static IDisposable As(AccessContext access, AccessPrincipal principal)
        => access.Enter(new RequestAccess(principal, new FhirInteraction("create")));

    private static Subscription RestHook(string criteria, Subscription.SubscriptionStatus status = Subscription.SubscriptionStatus.Requested) => new()
    {
        Status = status,
        Reason = "serious adverse events",
        Criteria = criteria,
        Channel = new Subscription.ChannelComponent
        {
            Type = Subscription.SubscriptionChannelType.RestHook,
            Endpoint = "http://127.0.0.1:9/hook",
            Payload = "application/fhir+json",
        },
    };

    private static AdverseEvent Adverse(string id, string patient, string seriousness) => new()
    {
        Id = id,
        Actuality = AdverseEvent.AdverseEventActuality.Actual,
        Subject = new ResourceReference($"Patient/{patient}"),
        Seriousness = new CodeableConcept("http://terminology.hl7.org/CodeSystem/adverse-event-seriousness", seriousness),
    };

    [Fact]
    public async Task A_matching_write_queues_its_notification_in_its_own_transaction()
    {
        var (resources, access) = WithSubscriptions();
        using var _ = As(access, AccessPrincipal.Anonymous);
        var subscription = (await resources.CreateAsync(RestHook(SeriousCriteria), null, None)).Stored;
        Assert.Equal(Subscription.SubscriptionStatus.Active, Parse<Subscription>(subscription).Status);

        await resources.UpdateAsync("Patient", "p1", NewPatient("p1"), null, None);
        await resources.UpdateAsync("AdverseEvent", "serious", Adverse("serious", "p1", "serious"), null, None);
        await resources.UpdateAsync("AdverseEvent", "mild", Adverse("mild", "p1", "non-serious"), null, None);
        await resources.UpdateAsync("AdverseEvent", "serious", Adverse("serious", "p1", "serious"), null, None);

        var pending = await Outbox.PendingAsync(subscription.Id, None);
        Assert.Equal(["AdverseEvent/serious/1", "AdverseEvent/serious/2"], pending.Select(n => $"{n.ResourceType}/{n.ResourceId}/{n.Version}"));
        Assert.All(pending, n => Assert.Equal(0, n.Attempts));
    }

    [Fact]
    public async Task A_refused_write_queues_nothing()
    {
        var (resources, access) = WithSubscriptions();
        using var _ = As(access, AccessPrincipal.Anonymous);
        var subscription = (await resources.CreateAsync(RestHook(SeriousCriteria), null, None)).Stored;
        await resources.UpdateAsync("Patient", "p1", NewPatient("p1"), null, None);

        // the second write's dangling reference refuses the whole transaction, the matching event with it
        await FailsWith(HttpStatusCode.UnprocessableEntity, () => resources.TransactionAsync(
        [
            WriteRequest.Update("AdverseEvent", "serious", Adverse("serious", "p1", "serious"), null),
            WriteRequest.Update("Observation", "o1", NewObservation("o1", "Patient/missing"), null),
        ], None));

        Assert.Empty(await Outbox.PendingAsync(subscription.Id, None));
    }

    [Fact]
    public async Task A_site_subscription_hears_only_of_its_own_patients()
    {
        var (resources, access) = WithSubscriptions();
        StoredResource subscription;
        using (As(access, RenjiSite)) subscription = (await resources.CreateAsync(RestHook(SeriousCriteria), null, None)).Stored;
        Assert.Equal("renji-client", SubscriptionOwner.Of(Parse<Subscription>(subscription))!.ClientId);

        using (As(access, AccessPrincipal.Anonymous))
        {
            await PutAllAsync(new Organization { Id = "renji" }, new Organization { Id = "zhongshan" });
            await PutAllAsync(
                new Patient { Id = "rp", ManagingOrganization = new ResourceReference("Organization/renji") },
                new Patient { Id = "zp", ManagingOrganization = new ResourceReference("Organization/zhongshan") });
            await resources.UpdateAsync("AdverseEvent", "renji-ae", Adverse("renji-ae", "rp", "serious"), null, None);
            await resources.UpdateAsync("AdverseEvent", "zhongshan-ae", Adverse("zhongshan-ae", "zp", "serious"), null, None);
        }

        Assert.Equal(["renji-ae"], (await Outbox.PendingAsync(subscription.Id, None)).Select(n => n.ResourceId));
    }

    [Fact]
    public async Task An_owner_claim_in_the_body_is_replaced_by_the_writer()
    {
        var (resources, access) = WithSubscriptions();
        var forged = RestHook(SeriousCriteria);
        SubscriptionOwner.Stamp(forged, AccessPrincipal.Server);
        using var _ = As(access, RenjiSite);
        var stored = (await resources.CreateAsync(forged, null, None)).Stored;
        var owner = SubscriptionOwner.Of(Parse<Subscription>(stored))!;
        Assert.Equal((StudyRole.Site, "renji"), (owner.Role, owner.Site));

        // what the forged claim referred to goes with it: it is not a reference of what is stored, so it cannot dangle
        var withReference = RestHook(SeriousCriteria);
        SubscriptionOwner.Stamp(withReference, AccessPrincipal.Server);
        withReference.Extension.Single(e => e.Url == SubscriptionOwner.Url).AddExtension("vouched-by", new ResourceReference("Patient/ghost"));
        var kept = Parse<Subscription>((await resources.CreateAsync(withReference, null, None)).Stored);
        Assert.Equal("renji", SubscriptionOwner.Of(kept)!.Site);
    }

    [Fact]
    public async Task Outbox_rows_roll_back_with_their_transaction()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.WriteAsync<int>(async tx =>
        {
            await tx.EnqueueNotificationsAsync([new PendingNotification("s1", "AdverseEvent", "a1", 1, DateTimeOffset.UtcNow)], None);
            throw new InvalidOperationException("the change failed after its notification was queued");
        }, None));
        Assert.Empty(await Outbox.PendingAsync("s1", None));
    }

    [Fact]
    public async Task Each_subscription_numbers_its_own_events_from_1_as_they_are_sent_and_a_retry_keeps_its_number()
    {
        var now = DateTimeOffset.UtcNow;
        async Task QueueAsync(params string[] subscriptions) => await Store.WriteAsync(async tx =>
        {
            await tx.EnqueueNotificationsAsync([.. subscriptions.Select((s, i) => new PendingNotification(s, "AdverseEvent", $"a{i}", 1, now))], None);
            return 0;
        }, None);
        async Task<List<string>> SendAsync(IEnumerable<OutboxNotification> due)
        {
            var sent = new List<string>();
            foreach (var n in due) sent.Add($"{n.SubscriptionId}:{await Outbox.EventNumberAsync(n, None)}");
            return sent;
        }
        await QueueAsync("s1", "s2", "s1", "s1");

        var claimed = await Outbox.ClaimDueAsync(now, TimeSpan.FromMinutes(1), 10, None);
        Assert.All(claimed, n => Assert.Null(n.EventNumber)); // numbered only when sent
        // the first s1 event is dropped unsent (say, matched before its subscription was rewritten): it takes no number
        await Outbox.DeliveredAsync(claimed[0].Id, None);
        Assert.Equal(["s2:1", "s1:1", "s1:2"], await SendAsync(claimed.Skip(1)));
        Assert.Equal(["s2:1", "s1:1"], await SendAsync(claimed.Skip(1).Take(2))); // asked again: the same numbers
        await Outbox.DeliveredAsync(claimed[1].Id, None);
        await Outbox.DeliveredAsync(claimed[3].Id, None);

        // a failed delivery is sent again under its number; later events go on from the last one given
        await Outbox.RetryAsync(claimed[2].Id, 1, now, "the endpoint answered HTTP 503", None);
        await QueueAsync("s2", "s1");
        var again = await Outbox.ClaimDueAsync(now, TimeSpan.FromMinutes(1), 10, None);
        Assert.Equal(1L, again[0].EventNumber);
        Assert.Equal(["s1:1", "s2:2", "s1:3"], await SendAsync(again));

        // one delivered meanwhile (by another worker whose lease ran out) gets no number
        await Outbox.DeliveredAsync(again[0].Id, None);
        Assert.Null(await Outbox.EventNumberAsync(again[0] with { EventNumber = null }, None));
    }

    [Fact]
    public async Task Outbox_rows_are_leased_retried_and_outlive_the_store_object()
    {
        var now = DateTimeOffset.UtcNow;
        await Store.WriteAsync(async tx =>
        {
            await tx.EnqueueNotificationsAsync([new PendingNotification("s1", "AdverseEvent", "a1", 1, now), new PendingNotification("s2", "AdverseEvent", "a1", 1, now)], None);
            return 0;
        }, None);

        var claimed = await Outbox.ClaimDueAsync(now, TimeSpan.FromMinutes(1), 10, None);
        Assert.Equal(["s1", "s2"], claimed.Select(n => n.SubscriptionId));
        Assert.Empty(await Outbox.ClaimDueAsync(now.AddSeconds(30), TimeSpan.FromMinutes(1), 10, None)); // leased

        await Outbox.RetryAsync(claimed[0].Id, 1, now.AddMinutes(5), "the endpoint answered HTTP 503", None);
        await Outbox.DropAsync("s2", None);

        var reopened = Reopen();
        try
        {
            var outbox = Assert.IsAssignableFrom<ISubscriptionOutbox>(reopened);
            Assert.Empty(await outbox.ClaimDueAsync(now.AddMinutes(4), TimeSpan.FromMinutes(1), 10, None));
            var again = Assert.Single(await outbox.ClaimDueAsync(now.AddMinutes(5), TimeSpan.FromMinutes(1), 10, None));
            Assert.Equal((1, "the endpoint answered HTTP 503", "a1"), (again.Attempts, again.LastError, again.ResourceId));
            await outbox.DeliveredAsync(again.Id, None);
            Assert.Empty(await outbox.PendingAsync("s1", None));
        }
        finally
        {
            if (reopened is IAsyncDisposable disposable) await disposable.DisposeAsync();
        }
    }
}
