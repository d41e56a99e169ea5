using FhirTrial.Fhir.Security;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Subscriptions;

/// <summary>
/// The access a subscription acts with: its writer's, stamped by the server on every write (a body's own claim is
/// replaced), so matching sees what the writer may read and no more. Only the server's own updates (turning it to
/// <c>error</c>) keep the stamp they find.
/// </summary>
public static class SubscriptionOwner
{
    public const string Url = "http://fhirtrial.example.org/fhir/StructureDefinition/subscription-owner";

    public static void Stamp(Subscription subscription, AccessPrincipal writer)
    {
        if (ReferenceEquals(writer, AccessPrincipal.Server) && Of(subscription) is not null) return;
        subscription.Extension.RemoveAll(e => e.Url == Url);
        var owner = new Extension { Url = Url };
        owner.AddExtension("client", new FhirString(writer.ClientId));
        owner.AddExtension("role", new Code(writer.RoleCode));
        if (writer.Site is { } site) owner.AddExtension("site", new FhirString(site));
        owner.AddExtension("scope", new FhirString(writer.Scopes.ToString()));
        subscription.Extension.Add(owner);
    }

    /// <summary>The stamped owner, or null when there is none (then nothing is delivered: fail closed).</summary>
    public static AccessPrincipal? Of(Subscription subscription)
    {
        var owner = subscription.Extension.FirstOrDefault(e => e.Url == Url);
        if (owner is null) return null;
        string? Part(string name) => (owner.GetExtension(name)?.Value as PrimitiveType)?.ToString();
        if (Part("client") is not { } client || !Enum.TryParse<StudyRole>(Part("role"), ignoreCase: true, out var role)
            || role == StudyRole.Unauthenticated) return null;
        var site = Part("site");
        if (role == StudyRole.Site && site is null) return null;
        if (role == StudyRole.Anonymous) return AccessPrincipal.Anonymous;
        return new AccessPrincipal(client, role, site, SmartScopes.Parse(Part("scope")));
    }
}
