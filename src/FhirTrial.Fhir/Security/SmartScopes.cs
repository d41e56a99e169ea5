namespace FhirTrial.Fhir.Security;

/// <summary>
/// SMART App Launch v2 resource scopes (<c>system/Observation.cruds</c>, <c>user/*.rs</c>), with the v1 spellings
/// <c>.read</c>, <c>.write</c>, <c>.*</c> read as <c>rs</c>, <c>cud</c>, <c>cruds</c>. Scopes this server cannot honour
/// exactly (<c>patient/</c> without a launch context, v2 scopes narrowed by <c>?param=</c>) grant nothing.
/// </summary>
public sealed class SmartScopes
{
    /// <summary>One granted scope: context (system|user), resource type or <c>*</c>, and permissions from <c>cruds</c>.</summary>
    public sealed record Grant(string Context, string Type, string Permissions)
    {
        public override string ToString() => $"{Context}/{Type}.{Permissions}";

        public bool Covers(Grant other) => (Type == "*" || Type == other.Type) && other.Permissions.All(Permissions.Contains);
    }

    private const string Order = "cruds";
    private readonly List<Grant> _grants;

    private SmartScopes(List<Grant> grants) => _grants = grants;

    public IReadOnlyList<Grant> Grants => _grants;

    public static SmartScopes All { get; } = new([new Grant("system", "*", Order)]);

    public static SmartScopes None { get; } = new([]);

    public static SmartScopes Parse(string? text)
    {
        var grants = new List<Grant>();
        foreach (var scope in (text ?? "").Split([' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries))
            if (TryParse(scope, out var grant)) grants.Add(grant);
        return new SmartScopes(grants);
    }

    public static bool TryParse(string scope, out Grant grant)
    {
        grant = null!;
        var slash = scope.IndexOf('/');
        var dot = scope.LastIndexOf('.');
        if (slash <= 0 || dot <= slash + 1 || scope.Contains('?')) return false;
        var context = scope[..slash];
        if (context is not ("system" or "user")) return false;
        var type = scope[(slash + 1)..dot];
        if (type != "*" && !Hl7.Fhir.Model.ModelInfo.IsKnownResource(type)) return false;
        var permissions = scope[(dot + 1)..] switch
        {
            "read" => "rs",
            "write" => "cud",
            "*" => Order,
            var p when p.Length > 0 && p.All(Order.Contains) && p.Distinct().Count() == p.Length => new string(Order.Where(p.Contains).ToArray()),
            _ => null,
        };
        if (permissions is null) return false;
        grant = new Grant(context, type, permissions);
        return true;
    }

    /// <summary>True when some scope grants <paramref name="permission"/> (one of <c>c r u d s</c>) on the type.</summary>
    public bool Allows(string type, char permission) => _grants.Any(g => (g.Type == "*" || g.Type == type) && g.Permissions.Contains(permission));

    /// <summary>True when a wildcard scope grants the permission on every type.</summary>
    public bool AllowsEveryType(char permission) => _grants.Any(g => g.Type == "*" && g.Permissions.Contains(permission));

    /// <summary>The types named explicitly with the permission.</summary>
    public IEnumerable<string> TypesWith(char permission) => _grants.Where(g => g.Type != "*" && g.Permissions.Contains(permission)).Select(g => g.Type).Distinct();

    /// <summary>The requested scopes that these (a client's allowed scopes) cover: what a token may carry.</summary>
    public SmartScopes Narrow(SmartScopes requested) => new(requested._grants.Where(r => _grants.Any(a => a.Covers(r))).Distinct().ToList());

    public override string ToString() => string.Join(" ", _grants);
}
