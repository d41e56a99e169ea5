using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Subscriptions;

/// <summary>
/// A notification as the R4 Subscriptions Backport IG shapes it: a <c>history</c> Bundle whose first entry is the
/// subscription status (a <c>Parameters</c> of profile backport-subscription-status-r4, with the event number, time and
/// focus), then, for a full-resource payload, the resource itself with the request that wrote it (for a deletion, the
/// DELETE request and no resource).
/// </summary>
public static class NotificationBundle
{
    public const string StatusProfile = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-status-r4";

    public static Bundle Build(string publicBase, string subscriptionId, OutboxNotification notification, StoredResource? resource, DateTimeOffset now)
    {
        var root = publicBase.TrimEnd('/');
        var subscriptionUrl = $"{root}/Subscription/{subscriptionId}";
        var focusUrl = $"{root}/{notification.ResourceType}/{notification.ResourceId}";
        var status = new Parameters { Id = Guid.NewGuid().ToString("N"), Meta = new Meta { Profile = [StatusProfile] } };
        status.Add("subscription", new ResourceReference(subscriptionUrl));
        status.Add("status", new Code("active"));
        status.Add("type", new Code("event-notification"));
        // numbered per subscription before it is first sent (ISubscriptionOutbox.EventNumberAsync); strings, as the R4 Backport IG has them
        var eventNumber = (notification.EventNumber ?? throw new InvalidOperationException($"notification {notification.Id} has no event number"))
            .ToString(System.Globalization.CultureInfo.InvariantCulture);
        status.Add("events-since-subscription-start", new FhirString(eventNumber));
        status.Add("notification-event",
        [
            Tuple.Create<string, Base>("event-number", new FhirString(eventNumber)),
            Tuple.Create<string, Base>("timestamp", new Instant(notification.Occurred)),
            Tuple.Create<string, Base>("focus", new ResourceReference($"{focusUrl}/_history/{notification.Version}")),
        ]);
        var bundle = new Bundle
        {
            Id = Guid.NewGuid().ToString("N"),
            Type = Bundle.BundleType.History,
            Timestamp = now,
            Entry =
            [
                new Bundle.EntryComponent
                {
                    FullUrl = "urn:uuid:" + status.Id,
                    Resource = status,
                    Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.GET, Url = $"{subscriptionUrl}/$status" },
                    Response = new Bundle.ResponseComponent { Status = "200" },
                },
            ],
        };
        if (resource is { Deleted: true })
        {
            // A deletion, as the Backport IG shows one: the request that deleted it and no resource.
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = focusUrl,
                Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.DELETE, Url = $"{notification.ResourceType}/{notification.ResourceId}" },
                Response = new Bundle.ResponseComponent { Status = "204", Etag = $"W/\"{resource.Version}\"", LastModified = resource.LastUpdated },
            });
        }
        else if (resource is not null)
        {
            var created = resource.Version == 1;
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = focusUrl,
                Resource = FhirSerializer.ParseJson(resource.Json),
                Request = new Bundle.RequestComponent
                {
                    Method = created ? Bundle.HTTPVerb.POST : Bundle.HTTPVerb.PUT,
                    Url = created ? notification.ResourceType : $"{notification.ResourceType}/{notification.ResourceId}",
                },
                Response = new Bundle.ResponseComponent
                {
                    Status = created ? "201" : "200",
                    Etag = $"W/\"{resource.Version}\"",
                    LastModified = resource.LastUpdated,
                },
            });
        }
        return bundle;
    }
}
