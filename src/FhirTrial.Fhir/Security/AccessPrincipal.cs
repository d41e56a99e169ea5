namespace FhirTrial.Fhir.Security;

/// <summary>What a client is in the study: a site's system, or a study-wide role. Anonymous is the developer mode;
/// Unauthenticated a caller without a valid token (or bound to nothing), who may do nothing.</summary>
public enum StudyRole { Site, Researcher, Monitor, Statistician, Admin, Anonymous, Unauthenticated }

/// <summary>Who is asking: the client, its role (and site for site clients), and the SMART scopes its token carries.</summary>
public sealed record AccessPrincipal(string ClientId, StudyRole Role, string? Site, SmartScopes Scopes)
{
    /// <summary>The developer-mode caller: everything allowed, audited as "anonymous".</summary>
    public static AccessPrincipal Anonymous { get; } = new("anonymous", StudyRole.Anonymous, null, SmartScopes.All);

    /// <summary>The server acting for itself (start-up seeding): admin rights, audited under its own name.</summary>
    public static AccessPrincipal Server { get; } = new("fhirtrial-server", StudyRole.Admin, null, SmartScopes.All);

    /// <summary>A caller with no valid token: no scopes, no role; refused everything and audited as such.</summary>
    public static AccessPrincipal Unauthenticated(bool presentedToken)
        => new(presentedToken ? InvalidToken : NoToken, StudyRole.Unauthenticated, null, SmartScopes.None);

    private const string InvalidToken = "invalid-token", NoToken = "unauthenticated";

    /// <summary>The server's own names for callers that are not clients (developer mode, itself, no or a bad token): no
    /// token or registered client may go by them, or it would be audited as, and own what belongs to, one of these.</summary>
    public static bool IsReservedClientId(string clientId)
        => clientId.Trim() is var id && (id.Equals(Anonymous.ClientId, StringComparison.OrdinalIgnoreCase)
                                         || id.Equals(Server.ClientId, StringComparison.OrdinalIgnoreCase)
                                         || id.Equals(InvalidToken, StringComparison.OrdinalIgnoreCase)
                                         || id.Equals(NoToken, StringComparison.OrdinalIgnoreCase));

    public bool IsSite => Role == StudyRole.Site;

    /// <summary>The role's code in audit records (<c>site</c>, <c>researcher</c> ...).</summary>
    public string RoleCode => Role.ToString().ToLowerInvariant();

    public static bool TryParseRole(string? text, out StudyRole role)
    {
        role = default;
        return text is not null && Enum.TryParse(text, ignoreCase: true, out role) && role is not (StudyRole.Site or StudyRole.Anonymous or StudyRole.Unauthenticated);
    }
}
