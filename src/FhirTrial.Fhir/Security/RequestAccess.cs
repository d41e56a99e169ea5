using System.Text.Json;
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

    /// <summary>True when the request may reveal or change data about patients (including a bare count or a refusal of it):
    /// everything at system level, every Patient-compartment type, every operation and Bundle.</summary>
    public bool ConcernsPatientData
        => Type is null || PatientCompartment.Contains(Type) || Code is "operation" or "transaction" or "export-job";
}

/// <summary>What one audited unit (the request, or one entry of a Bundle) read: the resources and the patients they are about.</summary>
public sealed class TouchLog(FhirInteraction interaction, string? query)
{
    private readonly List<string> _references = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly List<string> _patients = [];

    public FhirInteraction Interaction => interaction;
    public string? Query => query;
    public IReadOnlyList<string> References => _references;
    public IReadOnlyList<string> Patients => _patients;

    /// <summary>How many resources were read beyond those recorded.</summary>
    public int Untracked { get; private set; }

    public bool TouchedPatientData { get; private set; }

    internal void Add(StoredResource resource)
    {
        TouchedPatientData = true;
        if (!_seen.Add(resource.Reference)) return;
        if (_references.Count >= RequestAccess.MaxRecordedEntities)
        {
            Untracked++;
            return;
        }
        _references.Add(resource.Reference);
        if (PatientOf(resource) is { } patient) AddPatient(patient);
    }

    internal void AddPatient(string patient)
    {
        TouchedPatientData = true;
        if (_seen.Add("patient:" + patient) && _patients.Count < RequestAccess.MaxRecordedEntities) _patients.Add(patient);
    }

    /// <summary>The Patient a compartment resource is about, from its usual patient elements (<c>subject</c>, <c>patient</c>,
    /// <c>individual</c>, <c>beneficiary</c>), so that an AuditEvent names the person whose data was read.</summary>
    public static string? PatientOf(StoredResource resource)
    {
        if (resource.Type == "Patient") return resource.Reference;
        try
        {
            using var doc = JsonDocument.Parse(resource.Json);
            foreach (var name in (ReadOnlySpan<string>)["subject", "patient", "individual", "beneficiary"])
                if (doc.RootElement.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.Object
                    && element.TryGetProperty("reference", out var reference) && reference.GetString() is { } text)
                {
                    var at = text.LastIndexOf("Patient/", StringComparison.Ordinal);
                    if (at >= 0 && (at == 0 || text[at - 1] == '/'))
                    {
                        var rest = text[(at + "Patient/".Length)..];
                        var end = rest.IndexOf('/');
                        return "Patient/" + (end < 0 ? rest : rest[..end]);
                    }
                }
        }
        catch (JsonException)
        {
        }
        return null;
    }
}

/// <summary>One request's access: the principal, what it asked, and what it touched (for its AuditEvents).</summary>
public sealed class RequestAccess(AccessPrincipal principal, FhirInteraction interaction, string? sourceAddress = null, string? query = null)
{
    public const int MaxRecordedEntities = 500;

    private readonly object _gate = new();
    private readonly TouchLog _request = new(interaction, query);
    private readonly List<TouchLog> _entries = [];
    private readonly List<string> _hidden = [];
    private readonly HashSet<string> _covered = new(StringComparer.Ordinal);
    private TouchLog? _entry;

    public AccessPrincipal Principal => principal;
    public FhirInteraction Interaction => interaction;
    public string? SourceAddress => sourceAddress;
    public string? Query => query;

    /// <summary>What the request itself read (outside any Bundle entry).</summary>
    public TouchLog Request => _request;

    /// <summary>The read entries of a batch or transaction, each audited on its own.</summary>
    public IReadOnlyList<TouchLog> Entries
    {
        get { lock (_gate) return _entries.ToList(); }
    }

    /// <summary>Resources that exist but were hidden from the principal (another site's): a refused attempt.</summary>
    public IReadOnlyList<string> Hidden
    {
        get { lock (_gate) return _hidden.ToList(); }
    }

    public bool TouchedPatientData => _request.TouchedPatientData;

    /// <summary>True when the request read a resource that no write AuditEvent of it names (a conditional create that
    /// returned its match, a transaction's reads before writing).</summary>
    public bool ReadBeyondWrites
    {
        get { lock (_gate) return _request.References.Any(r => !_covered.Contains(r)); }
    }

    /// <summary>Marks resources as named by a committed write's AuditEvent.</summary>
    public void Cover(IEnumerable<string> references)
    {
        lock (_gate) _covered.UnionWith(references);
    }

    /// <summary>Set once a write transaction of this request committed with its AuditEvent.</summary>
    public bool WriteAudited { get; set; }

    /// <summary>Records a Patient-compartment resource the request (or its current Bundle entry) read.</summary>
    public void Touch(StoredResource resource)
    {
        if (!PatientCompartment.Contains(resource.Type)) return;
        lock (_gate) (_entry ?? _request).Add(resource);
    }

    /// <summary>Names patients whose data the request released without reading it through the store (an export file).</summary>
    public void Release(IEnumerable<string> patients)
    {
        lock (_gate)
            foreach (var patient in patients) _request.AddPatient(patient);
    }

    /// <summary>Records that an existing resource was withheld from the principal (answered as unknown).</summary>
    public void Hide(string type, string id)
    {
        lock (_gate)
            if (_hidden.Count < MaxRecordedEntities) _hidden.Add($"{type}/{id}");
    }

    /// <summary>Starts one read entry of a Bundle: what it touches until disposed is audited as that entry.</summary>
    public IDisposable BeginEntry(FhirInteraction entryInteraction, string? entryQuery)
    {
        var log = new TouchLog(entryInteraction, entryQuery);
        lock (_gate)
        {
            _entries.Add(log);
            var previous = _entry;
            _entry = log;
            return new Exit(() => { lock (_gate) _entry = previous; });
        }
    }

    private sealed class Exit(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}

/// <summary>The access of the work being done, flowing with its async calls (like IHttpContextAccessor). A request enters
/// its caller's access; work the server does for itself (start-up seeding) or for a client after the request (an export
/// job) enters an explicit identity. A store call with none is refused (see <see cref="GuardedFhirStore"/>).</summary>
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

    /// <summary>Work the server does for itself (schema, conformance resources, the study fixture), audited as the server.</summary>
    public IDisposable EnterServer(string purpose) => Enter(new RequestAccess(AccessPrincipal.Server, new FhirInteraction("operation", Operation: purpose)));

    /// <summary>Starts one read entry of the current request's Bundle, when there is a request.</summary>
    public static IDisposable? BeginEntry(FhirInteraction interaction, string? query) => CurrentAccess.Value?.BeginEntry(interaction, query);

    private sealed class Exit(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
