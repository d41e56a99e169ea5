using FhirTrial.Fhir.Storage;

namespace FhirTrial.Fhir.Security;

/// <summary>What a request is, in FHIR terms: a restful-interaction code, and the type, id and operation it names.</summary>
public sealed record FhirInteraction(string Code, string? Type = null, string? Id = null, string? Operation = null)
{
    public bool IsWrite => Code is "create" or "update" or "patch" or "delete" or "transaction";

    /// <summary>The AuditEvent action: C R U D, or E for searches, Bundles and operations.</summary>
    public string AuditAction => Code switch
    {
        "create" => "C",
        "read" or "vread" or "history-instance" or "history-type" or "history-system" => "R",
        "update" or "patch" => "U",
        "delete" => "D",
        _ => "E",
    };
}

/// <summary>One request's access: the principal, what it asked, and what it touched (for its AuditEvent).</summary>
public sealed class RequestAccess(AccessPrincipal principal, FhirInteraction interaction, string? sourceAddress = null, string? query = null)
{
    public const int MaxRecordedEntities = 500;

    private readonly object _gate = new();
    private readonly List<string> _touched = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public AccessPrincipal Principal => principal;
    public FhirInteraction Interaction => interaction;
    public string? SourceAddress => sourceAddress;
    public string? Query => query;

    /// <summary>How many resources were read, beyond those recorded.</summary>
    public int Untracked { get; private set; }

    public bool TouchedPatientData { get; private set; }

    /// <summary>Set once a write transaction of this request committed with its AuditEvent.</summary>
    public bool WriteAudited { get; set; }

    public IReadOnlyList<string> Touched
    {
        get { lock (_gate) return _touched.ToList(); }
    }

    public void Touch(StoredResource resource)
    {
        lock (_gate)
        {
            if (PatientCompartment.Contains(resource.Type)) TouchedPatientData = true;
            else return;
            var reference = resource.Reference;
            if (!_seen.Add(reference)) return;
            if (_touched.Count < MaxRecordedEntities) _touched.Add(reference);
            else Untracked++;
        }
    }
}

/// <summary>The access of the request being served, flowing with its async calls (like IHttpContextAccessor);
/// null outside requests, where the server acts for itself (start-up seeding).</summary>
public sealed class AccessContext
{
    private static readonly AsyncLocal<RequestAccess?> CurrentAccess = new();

    public RequestAccess? Current => CurrentAccess.Value;

    public IDisposable Enter(RequestAccess access)
    {
        var previous = CurrentAccess.Value;
        CurrentAccess.Value = access;
        return new Exit(() => CurrentAccess.Value = previous);
    }

    private sealed class Exit(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
