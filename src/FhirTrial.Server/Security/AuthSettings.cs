using System.Security.Cryptography;
using FhirTrial.Fhir.Security;
using Microsoft.IdentityModel.Tokens;

namespace FhirTrial.Server.Security;

/// <summary>A client allowed to ask for tokens: its public key, what it is in the study, and the scopes it may be given.</summary>
public sealed record ClientRegistration(string ClientId, JsonWebKey PublicKey, StudyRole Role, string? Site, SmartScopes Scopes, int? RequestsPerMinute);

/// <summary>
/// <c>Auth:*</c>: <c>Authority</c> (an external issuer, discovered by OpenID Connect) or local <c>SigningKeys</c> (private
/// JWKs as JSON strings) for the tokens this server issues; <c>Issuer</c>, <c>Audience</c>, <c>TokenLifetimeSeconds</c>;
/// <c>Clients:N:ClientId</c>, <c>:PublicJwk</c> (JSON), <c>:Site</c> or <c>:Role</c>, <c>:Scopes</c>, <c>:RequestsPerMinute</c>.
/// </summary>
public sealed class AuthSettings
{
    public const string DefaultIssuer = "urn:fhirtrial:auth";
    public const string DefaultAudience = "urn:fhirtrial:fhir";

    /// <summary>False in developer mode (no <c>Auth</c> section at all).</summary>
    public bool Enabled { get; private init; }
    public string? Authority { get; private init; }
    public string Issuer { get; private init; } = DefaultIssuer;
    public string Audience { get; private init; } = DefaultAudience;
    public TimeSpan TokenLifetime { get; private init; } = TimeSpan.FromMinutes(5);
    public IReadOnlyList<SecurityKey> SigningKeys { get; private init; } = [];
    public IReadOnlyDictionary<string, ClientRegistration> Clients { get; private init; } = new Dictionary<string, ClientRegistration>();

    /// <summary>True when signing keys were made up at start (no <c>Auth:SigningKeys</c>): tokens die with the process.</summary>
    public bool EphemeralKeys { get; private init; }

    /// <summary>Whether this server issues tokens itself (<c>/auth/token</c>).</summary>
    public bool IssuesTokens => Enabled && SigningKeys.Count > 0;

    public static AuthSettings From(IConfiguration configuration)
    {
        var auth = configuration.GetSection("Auth");
        if (!auth.Exists()) return new AuthSettings();
        var clients = new Dictionary<string, ClientRegistration>(StringComparer.Ordinal);
        foreach (var section in auth.GetSection("Clients").GetChildren())
        {
            var client = ReadClient(section);
            if (!clients.TryAdd(client.ClientId, client))
                throw new InvalidOperationException($"Auth:Clients lists client '{client.ClientId}' twice.");
        }
        var authority = auth["Authority"];
        var keys = auth.GetSection("SigningKeys").GetChildren().Select(k => k.Value).OfType<string>()
            .Select(json => ReadSigningKey(json)).ToList();
        var ephemeral = false;
        if (keys.Count == 0 && (authority is null || clients.Count > 0))
        {
            keys.Add(NewSigningKey());
            ephemeral = true;
        }
        return new AuthSettings
        {
            Enabled = true,
            Authority = authority,
            Issuer = auth["Issuer"] ?? DefaultIssuer,
            Audience = auth["Audience"] ?? DefaultAudience,
            TokenLifetime = TimeSpan.FromSeconds(Math.Clamp(auth.GetValue<int?>("TokenLifetimeSeconds") ?? 300, 30, 3600)),
            SigningKeys = keys,
            Clients = clients,
            EphemeralKeys = ephemeral,
        };
    }

    private static ClientRegistration ReadClient(IConfigurationSection section)
    {
        var id = section["ClientId"];
        if (string.IsNullOrWhiteSpace(id)) throw new InvalidOperationException($"{section.Path}:ClientId is missing.");
        if (AccessPrincipal.IsReservedClientId(id)) throw new InvalidOperationException($"{section.Path}:ClientId '{id}' is one of the server's own names; choose another.");
        var jwk = section["PublicJwk"] ?? throw new InvalidOperationException($"{section.Path}:PublicJwk is missing for client '{id}'.");
        var key = new JsonWebKey(jwk);
        if (key.HasPrivateKey) throw new InvalidOperationException($"{section.Path}:PublicJwk of client '{id}' holds a private key; configure the public key only.");
        if (key.Kty is not ("RSA" or "EC")) throw new InvalidOperationException($"{section.Path}:PublicJwk of client '{id}' must be an RSA or EC key.");
        var site = section["Site"];
        var roleText = section["Role"];
        if ((site is null) == (roleText is null))
            throw new InvalidOperationException($"Client '{id}' needs exactly one of Site (an Organization id) or Role (researcher, monitor, statistician, admin).");
        StudyRole role = StudyRole.Site;
        if (roleText is not null && !AccessPrincipal.TryParseRole(roleText, out role))
            throw new InvalidOperationException($"Client '{id}' has an unknown role '{roleText}'.");
        if (site is not null && !site.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.'))
            throw new InvalidOperationException($"Client '{id}' has a Site '{site}' that is not an Organization id.");
        return new ClientRegistration(id, key, role, site, SmartScopes.Parse(section["Scopes"] ?? "system/*.rs"),
            section.GetValue<int?>("RequestsPerMinute"));
    }

    private static SecurityKey ReadSigningKey(string json)
    {
        var key = new JsonWebKey(json);
        if (!key.HasPrivateKey) throw new InvalidOperationException("Auth:SigningKeys entries must be private JWKs (with 'd').");
        if (string.IsNullOrEmpty(key.Kid)) key.Kid = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return key;
    }

    private static SecurityKey NewSigningKey()
    {
        var rsa = RSA.Create(2048);
        var key = new RsaSecurityKey(rsa);
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return key;
    }

    /// <summary>The algorithm a signing key signs with.</summary>
    public static string AlgorithmOf(SecurityKey key) => key switch
    {
        JsonWebKey { Kty: "EC", Crv: "P-256" } => SecurityAlgorithms.EcdsaSha256,
        JsonWebKey { Kty: "EC" } => SecurityAlgorithms.EcdsaSha384,
        ECDsaSecurityKey => SecurityAlgorithms.EcdsaSha384,
        _ => SecurityAlgorithms.RsaSha384,
    };
}
