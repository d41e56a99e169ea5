using FhirTrial.Fhir.Search;

namespace FhirTrial.Fhir.Security;

/// <summary>
/// Who may do what, by role and SMART scope. Site filtering of the rows themselves is <see cref="SiteCriterion"/>, applied
/// by <see cref="GuardedFhirStore"/>; this class answers the type- and operation-level questions.
/// <list type="table">
/// <item><term>site</term><description>reads everything but AuditEvent, filtered to its patients and shared data; writes
/// Patient-compartment types (not Group) of its own patients; runs subject-level operations on its own subjects.</description></item>
/// <item><term>researcher</term><description>reads everything but AuditEvent; writes nothing.</description></item>
/// <item><term>monitor</term><description>reads everything including AuditEvent; writes nothing.</description></item>
/// <item><term>statistician</term><description>reads everything but AuditEvent; runs every operation and stores the Observations they derive.</description></item>
/// <item><term>admin</term><description>everything, alone in changing the study fixture and conformance resources.</description></item>
/// </list>
/// Nobody updates or deletes an AuditEvent through the API; only the admin may post one. Every role may write a
/// Subscription (a request to be told, not study data): it is matched with its writer's read access, never more. Its
/// <c>channel.header</c> may carry the owner's endpoint credentials, and whoever writes it last owns it, so a Subscription
/// is read only by its owner, its owner's site, a monitor and the admin, and changed only by its owner, its owner's site
/// and the admin (<see cref="SubscriptionRestriction"/>).
/// </summary>
public static class AccessPolicy
{
    public const string AuditEvent = "AuditEvent";

    public const string Subscription = "Subscription";

    /// <summary>The study's shared fixture: admin-only writes.</summary>
    public static readonly IReadOnlySet<string> StudyFixtureTypes = new HashSet<string>(StringComparer.Ordinal)
        { "ResearchStudy", "Group", "Organization", "Medication", "PlanDefinition" };

    /// <summary>Operations over the whole study; a site client is refused them (an aggregate over one site's subjects would
    /// be mistaken for the study's result).</summary>
    public static readonly IReadOnlySet<string> StudyWideOperations = new HashSet<string>(StringComparer.Ordinal)
        { "efficacy", "interim", "safety", "analysis-datasets" };

    public static bool RoleMayRead(StudyRole role, string type)
        => role != StudyRole.Unauthenticated && (type != AuditEvent || role is StudyRole.Monitor or StudyRole.Admin or StudyRole.Anonymous);

    /// <summary>Type-level read (<c>r</c>) or search (<c>s</c>) permission.</summary>
    public static bool MayRead(AccessPrincipal principal, string type, char permission)
        => RoleMayRead(principal.Role, type) && principal.Scopes.Allows(type, permission);

    /// <summary>Either kind of read: what the store lets through at all.</summary>
    public static bool MaySee(AccessPrincipal principal, string type)
        => MayRead(principal, type, 'r') || MayRead(principal, type, 's');

    /// <summary>Create (<c>c</c>), update (<c>u</c>) or delete (<c>d</c>) of a type; rows are checked against the site separately.</summary>
    public static bool MayWrite(AccessPrincipal principal, string type, char action, bool inOperation)
        => RoleMayWrite(principal.Role, type, action, inOperation) && principal.Scopes.Allows(type, action);

    public static bool RoleMayWrite(StudyRole role, string type, char action, bool inOperation)
    {
        if (type == AuditEvent) return action == 'c' && role is StudyRole.Admin or StudyRole.Anonymous;
        if (type == Subscription) return role != StudyRole.Unauthenticated;
        return role switch
        {
            StudyRole.Admin or StudyRole.Anonymous => true,
            StudyRole.Site => PatientCompartment.Contains(type) && !StudyFixtureTypes.Contains(type),
            StudyRole.Statistician => inOperation && type == "Observation" && action != 'd',
            _ => false,
        };
    }

    /// <summary>Whether the principal may call <c>$name</c> at this level; data it reads is filtered besides.</summary>
    public static bool MayRunOperation(AccessPrincipal principal, string name, string? type, string? id)
    {
        if (principal.Role == StudyRole.Unauthenticated) return false;
        switch (name)
        {
            case "validate":
                return true;
            case "everything":
                return MayRead(principal, "Patient", 'r');
            case "expand" or "lookup" or "validate-code" when type is "ValueSet" or "CodeSystem":
                // terminology look-ups are reads of the code system or value set
                return MaySee(principal, type);
            case "export":
                // The export job runs after the request, outside its access scope: only a principal who may read everything may start one.
                return ReadsEverything(principal);
        }
        if (type is not null && !MaySee(principal, type)) return false;
        return principal.Role switch
        {
            StudyRole.Admin or StudyRole.Anonymous or StudyRole.Statistician => true,
            StudyRole.Site => !StudyWideOperations.Contains(name) && type != "ResearchStudy",
            _ => false,
        };
    }

    /// <summary>
    /// Which Subscriptions a principal other than a site may read, or (<paramref name="change"/>) update and delete: its own,
    /// or null for all. The admin reads and changes all; a monitor oversees all but changes only its own. A site's rule is
    /// its site's (the store's site rule counts a Subscription as a site's by its owner).
    /// </summary>
    public static SubscriptionOwnerCriterion? SubscriptionRestriction(AccessPrincipal principal, bool change)
        => principal.IsSite || principal.Role is StudyRole.Admin or StudyRole.Anonymous || principal.Role == StudyRole.Monitor && !change
            ? null
            : new SubscriptionOwnerCriterion(principal.ClientId);

    /// <summary>Whether some rows of <paramref name="type"/> are hidden from the principal, so a read or write of one by id
    /// must ask the store whether it is visible.</summary>
    public static bool HidesRowsOf(AccessPrincipal principal, string type)
        => principal.IsSite || type == Subscription && SubscriptionRestriction(principal, change: false) is not null;

    /// <summary>True when no row or type is hidden from the principal.</summary>
    public static bool ReadsEverything(AccessPrincipal principal)
        => principal.Role is StudyRole.Admin or StudyRole.Anonymous or StudyRole.Monitor
           && (principal.Scopes.AllowsEveryType('r') || principal.Scopes.AllowsEveryType('s'));

    /// <summary>The types the principal may list (SMART <c>s</c>), as a condition, or null when it may search every type it
    /// reads. Reading by id (<c>r</c>) is not listing: a search across types (<c>GET /fhir</c>, system history) and a chain
    /// or <c>_has</c> into a type, which searches it, need <c>s</c> on that type as the type's own search does.</summary>
    public static SearchCriterion? ListingRestriction(AccessPrincipal principal)
        => principal.Scopes.AllowsEveryType('s') ? null
            : new TypeCriterion([.. principal.Scopes.TypesWith('s').Where(t => RoleMayRead(principal.Role, t)).Order(StringComparer.Ordinal)]);

    /// <summary>The condition every row the principal reads must meet, or null when nothing is hidden.</summary>
    public static SearchCriterion? ReadRestriction(AccessPrincipal principal)
    {
        var parts = new List<SearchCriterion>();
        var everyType = principal.Scopes.AllowsEveryType('r') || principal.Scopes.AllowsEveryType('s');
        if (everyType)
        {
            if (!RoleMayRead(principal.Role, AuditEvent)) parts.Add(new TypeCriterion([AuditEvent], Exclude: true));
        }
        else
        {
            var types = principal.Scopes.TypesWith('r').Concat(principal.Scopes.TypesWith('s')).Distinct()
                .Where(t => RoleMayRead(principal.Role, t)).Order(StringComparer.Ordinal).ToList();
            parts.Add(new TypeCriterion(types));
        }
        if (principal.IsSite) parts.Add(new SiteCriterion(principal.Site!));
        else if (SubscriptionRestriction(principal, change: false) is { } owned) parts.Add(owned);
        return parts.Count switch
        {
            0 => null,
            1 => parts[0],
            _ => new AllCriterion(parts),
        };
    }
}
