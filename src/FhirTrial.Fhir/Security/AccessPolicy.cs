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
/// Nobody updates or deletes an AuditEvent through the API; only the admin may post one.
/// </summary>
public static class AccessPolicy
{
    public const string AuditEvent = "AuditEvent";

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

    /// <summary>True when no row or type is hidden from the principal.</summary>
    public static bool ReadsEverything(AccessPrincipal principal)
        => principal.Role is StudyRole.Admin or StudyRole.Anonymous or StudyRole.Monitor
           && (principal.Scopes.AllowsEveryType('r') || principal.Scopes.AllowsEveryType('s'));

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
        return parts.Count switch
        {
            0 => null,
            1 => parts[0],
            _ => new AllCriterion(parts),
        };
    }
}
