using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using FhirTrial.Fhir.Conformance;
using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Search;
using FhirTrial.Fhir.Storage;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using FhirTrial.Tests.Shared;
using Microsoft.Extensions.Hosting;

namespace FhirTrial.Server.Tests.Security;

/// <summary>A test client as the server knows it: id, binding, and the private key it signs its assertions with.</summary>
public sealed record TestClient(string Name, string? Site, string? Role, string Scopes, SecurityKey PrivateKey, string Algorithm, int? RequestsPerMinute = null)
{
    public string ClientId => Name + "-client";
}

/// <summary>The server with Auth on: generated RSA and EC keys, one client per site and role, and tokens fetched the way a
/// SMART backend client fetches them (a signed assertion posted to /auth/token).</summary>
public sealed class SecuredServerFactory : WebApplicationFactory<Program>
{
    private readonly string _folder;
    private readonly bool _ownsFolder;
    private readonly SecurityKey _signing;
    private readonly ConcurrentDictionary<string, string> _tokens = new();

    /// <summary>The token URL the server is configured with (its listening URL): what assertions name as aud.</summary>
    public const string TokenUrl = "http://localhost/auth/token";

    public static readonly string[] Roles = ["renji", "zhongshan", "researcher", "monitor", "statistician", "admin"];

    public IReadOnlyDictionary<string, TestClient> Clients { get; }

    /// <summary>The loopback port of the one notification endpoint the allow-list names (Auth on: loopback is not allowed by itself).</summary>
    public int NotificationPort { get; } = Subscriptions.NotificationReceiver.FreePort();

    /// <summary>The same server started again: same database file, keys and clients (dispose it before the original).</summary>
    public SecuredServerFactory Restarted() => new(_folder, _signing, Clients);

    private SecuredServerFactory(string folder, SecurityKey signing, IReadOnlyDictionary<string, TestClient> clients)
    {
        _folder = folder;
        _signing = signing;
        Clients = clients;
    }

    public SecuredServerFactory()
    {
        _folder = Directory.CreateTempSubdirectory("fhirtrial-secured-").FullName;
        _ownsFolder = true;
        _signing = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "server" };
        var clients = new List<TestClient>
        {
            Rsa("renji", site: "renji", scopes: "system/*.cruds"),
            Ec("zhongshan", site: "zhongshan", scopes: "system/*.cruds"),
            Rsa("ruijin", site: "ruijin", scopes: "system/*.cruds"),
            Rsa("researcher", role: "researcher", scopes: "system/*.cruds"),
            Rsa("monitor", role: "monitor", scopes: "system/*.rs"),
            Rsa("statistician", role: "statistician", scopes: "system/*.rs system/Observation.cruds"),
            Rsa("admin", role: "admin", scopes: "system/*.cruds"),
            Rsa("narrow", site: "renji", scopes: "system/Observation.rs"),
            Rsa("throttled", role: "researcher", scopes: "system/*.rs", perMinute: 3),
        };
        Clients = clients.ToDictionary(c => c.Name);
    }

    private static TestClient Rsa(string name, string? site = null, string? role = null, string scopes = "", int? perMinute = null)
        => new(name, site, role, scopes, new RsaSecurityKey(RSA.Create(2048)) { KeyId = name }, SecurityAlgorithms.RsaSha384, perMinute);

    private static TestClient Ec(string name, string? site = null, string? role = null, string scopes = "")
        => new(name, site, role, scopes, new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP384)) { KeyId = name }, SecurityAlgorithms.EcdsaSha384);

    public static string PublicJwk(SecurityKey key)
    {
        var jwk = JsonWebKeyConverter.ConvertFromSecurityKey(key switch
        {
            RsaSecurityKey rsa => new RsaSecurityKey(rsa.Rsa.ExportParameters(false)) { KeyId = rsa.KeyId },
            ECDsaSecurityKey ec => new ECDsaSecurityKey(ECDsa.Create(ec.ECDsa.ExportParameters(false))) { KeyId = ec.KeyId },
            _ => throw new ArgumentOutOfRangeException(nameof(key)),
        });
        var json = new JsonObject { ["kty"] = jwk.Kty, ["kid"] = jwk.Kid };
        if (jwk.Kty == "RSA") { json["n"] = jwk.N; json["e"] = jwk.E; }
        else { json["crv"] = jwk.Crv; json["x"] = jwk.X; json["y"] = jwk.Y; }
        return json.ToJsonString();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:Provider", "sqlite");
        builder.UseSetting("Storage:ConnectionString", $"Data Source={Path.Combine(_folder, "fhir.db")}");
        builder.UseSetting("Limits:MaxRequestBytes", (4 * 1024 * 1024).ToString());
        builder.UseSetting("Limits:RequestsPerMinute", "100000");
        builder.UseSetting("Export:Folder", Path.Combine(_folder, "export"));
        builder.UseSetting("urls", "http://localhost");
        builder.UseSetting("Subscriptions:AllowedEndpoints:0", $"http://127.0.0.1:{NotificationPort}/");
        builder.UseSetting("Subscriptions:PollSeconds", "0.1");
        var signingJwk = JsonWebKeyConverter.ConvertFromRSASecurityKey((RsaSecurityKey)_signing);
        var signingJson = new JsonObject
        {
            ["kty"] = "RSA", ["kid"] = "server", ["n"] = signingJwk.N, ["e"] = signingJwk.E, ["d"] = signingJwk.D,
            ["p"] = signingJwk.P, ["q"] = signingJwk.Q, ["dp"] = signingJwk.DP, ["dq"] = signingJwk.DQ, ["qi"] = signingJwk.QI,
        };
        builder.UseSetting("Auth:SigningKeys:0", signingJson.ToJsonString());
        var n = 0;
        foreach (var client in Clients.Values)
        {
            var prefix = $"Auth:Clients:{n++}:";
            builder.UseSetting(prefix + "ClientId", client.ClientId);
            builder.UseSetting(prefix + "PublicJwk", PublicJwk(client.PrivateKey));
            if (client.Site is not null) builder.UseSetting(prefix + "Site", client.Site);
            if (client.Role is not null) builder.UseSetting(prefix + "Role", client.Role);
            builder.UseSetting(prefix + "Scopes", client.Scopes);
            if (client.RequestsPerMinute is int limit) builder.UseSetting(prefix + "RequestsPerMinute", limit.ToString());
        }
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<IFhirOperation, SubjectProbeOperation>();
            services.AddSingleton<IFhirOperation, StudyProbeOperation>();
        });
    }

    protected override IHost CreateHost(IHostBuilder builder) => base.CreateHost(builder).WhenReady();

    /// <summary>A signed client assertion as a SMART backend client makes one.</summary>
    /// <remarks><paramref name="issuedAt"/> and <paramref name="notBefore"/> are offsets from now (default: now).</remarks>
    public string Assertion(TestClient client, TimeSpan? lifetime = null, string? audience = null, string? jti = null, SecurityKey? key = null,
        string? algorithm = null, TimeSpan? issuedAt = null, TimeSpan? notBefore = null)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = client.ClientId,
            Audience = audience ?? TokenUrl,
            Subject = new ClaimsIdentity([new System.Security.Claims.Claim("sub", client.ClientId), new System.Security.Claims.Claim("jti", jti ?? Guid.NewGuid().ToString("N"))]),
            IssuedAt = now + (issuedAt ?? TimeSpan.Zero),
            NotBefore = now + (notBefore ?? TimeSpan.Zero),
            Expires = now + (lifetime ?? TimeSpan.FromMinutes(4)),
            SigningCredentials = new SigningCredentials(key ?? client.PrivateKey, algorithm ?? client.Algorithm),
        });
    }

    public async Task<HttpResponseMessage> RequestTokenAsync(string assertion, string scope, string? host = null)
    {
        using var client = CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Post, "/auth/token") { Content = TokenForm(assertion, scope) };
        if (host is not null) request.Headers.Host = host;
        return await client.SendAsync(request);
    }

    public static FormUrlEncodedContent TokenForm(string assertion, string scope) => new(new Dictionary<string, string>
    {
        ["grant_type"] = "client_credentials",
        ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ["client_assertion"] = assertion,
        ["scope"] = scope,
    });

    public async Task<string> TokenAsync(string name, string? scope = null)
    {
        var key = name + "|" + scope;
        if (_tokens.TryGetValue(key, out var cached)) return cached;
        var client = Clients[name];
        var response = await RequestTokenAsync(Assertion(client), scope ?? client.Scopes);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"token for {name}: {response.StatusCode} {body}");
        var token = (string)JsonNode.Parse(body)!["access_token"]!;
        _tokens[key] = token;
        return token;
    }

    /// <summary>An HttpClient that sends the named client's access token.</summary>
    public async Task<HttpClient> ClientForAsync(string name)
    {
        var http = CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(name));
        return http;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!_ownsFolder) return;
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Stands in for a subject-level trial operation: reads the subject and every Observation straight from the store.</summary>
public sealed class SubjectProbeOperation(IFhirStore store) : IFhirOperation
{
    public OperationInfo Info { get; } = new("subject-probe", "urn:test:subject-probe", ["ResearchSubject"]);

    public bool Accepts(string? type, string? id) => type == "ResearchSubject" && id is not null;

    public async Task<OperationResult> ExecuteAsync(OperationRequest request, CancellationToken ct)
    {
        if (await store.ReadAsync("ResearchSubject", request.Id!, ct) is null) throw Fhir.Errors.FhirException.NotFound("no such subject");
        var observations = await store.SearchAsync(new SearchQuery("Observation", [], [], 1000, 0, false), ct);
        var result = new Parameters();
        foreach (var o in observations.Resources) result.Add("observation", new FhirString(o.Id));
        return OperationResult.Ok(result);
    }
}

/// <summary>Stands in for a study-wide trial operation (named as the contract's $efficacy): counts subjects from the store.</summary>
public sealed class StudyProbeOperation(IFhirStore store) : IFhirOperation
{
    public OperationInfo Info { get; } = new("efficacy", "urn:test:study-probe", ["ResearchStudy"]);

    public bool Accepts(string? type, string? id) => type == "ResearchStudy" && id is not null;

    public async Task<OperationResult> ExecuteAsync(OperationRequest request, CancellationToken ct)
    {
        var subjects = await store.SearchAsync(new SearchQuery("ResearchSubject", [], [], 1000, 0, true), ct);
        return OperationResult.Ok(new Parameters { { "treated", new Integer(subjects.Total ?? 0) } });
    }
}

[CollectionDefinition(Name)]
public sealed class SecuredServerCollection : ICollectionFixture<SecuredServerFactory>
{
    public const string Name = "secured-server";
}
