namespace FhirTrial.Fhir.Security;

/// <summary>What a client is in the study: a site's system, or a study-wide role. Anonymous is the developer mode.</summary>
public enum StudyRole { Site, Researcher, Monitor, Statistician, Admin, Anonymous }

/// <summary>Who is asking: the client, its role (and site for site clients), and the SMART scopes its token carries.</summary>
public sealed record AccessPrincipal(string ClientId, StudyRole Role, string? Site, SmartScopes Scopes)
{
    /// <summary>The developer-mode caller: everything allowed, audited as "anonymous".</summary>
    public static AccessPrincipal Anonymous { get; } = new("anonymous", StudyRole.Anonymous, null, SmartScopes.All);

    public bool IsSite => Role == StudyRole.Site;

    /// <summary>The role's code in audit records (<c>site</c>, <c>researcher</c> ...).</summary>
    public string RoleCode => Role.ToString().ToLowerInvariant();

    public static bool TryParseRole(string? text, out StudyRole role)
    {
        role = default;
        return text is not null && Enum.TryParse(text, ignoreCase: true, out role) && role is not (StudyRole.Site or StudyRole.Anonymous);
    }
}
