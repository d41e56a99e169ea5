using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FhirTrial.Server.Tests.Security;

/// <summary>SMART backend services at /auth/token: what a client must prove, and what the token it gets carries.</summary>
[Collection(SecuredServerCollection.Name)]
public sealed class TokenEndpointTests(SecuredServerFactory factory)
{
    private TestClient Renji => factory.Clients["renji"];

    private static async Task<string> ErrorAsync(HttpResponseMessage response)
        => (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

    [Fact]
    public async Task A_signed_assertion_buys_a_short_lived_token_with_the_granted_scopes()
    {
        var response = await factory.RequestTokenAsync(factory.Assertion(Renji), "system/Observation.rs system/Patient.r openid");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("bearer", (string)body["token_type"]!);
        Assert.InRange((int)body["expires_in"]!, 1, 300);
        Assert.Equal("system/Observation.rs system/Patient.r", (string)body["scope"]!);
        var token = new JsonWebToken((string)body["access_token"]!);
        Assert.Equal("renji", token.GetClaim("fhirtrial_site").Value);
        Assert.Equal("renji-client", token.GetClaim("client_id").Value);
        Assert.True(token.ValidTo <= DateTime.UtcNow.AddMinutes(5.1));
    }

    [Fact]
    public async Task An_EC_client_signs_with_ES384()
    {
        var zhongshan = factory.Clients["zhongshan"];
        Assert.Equal(HttpStatusCode.OK, (await factory.RequestTokenAsync(factory.Assertion(zhongshan), "system/*.rs")).StatusCode);
    }

    [Fact]
    public async Task A_replayed_assertion_is_refused()
    {
        var assertion = factory.Assertion(Renji);
        Assert.Equal(HttpStatusCode.OK, (await factory.RequestTokenAsync(assertion, "system/*.rs")).StatusCode);
        var again = await factory.RequestTokenAsync(assertion, "system/*.rs");
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        Assert.Equal("invalid_client", await ErrorAsync(again));
    }

    public static TheoryData<string> BadAssertions() => ["other key", "expires in 10 min", "expired", "wrong audience", "RS256", "unknown client", "not a jwt",
        "issued in the future", "not before in the future", "not before after expiry", "issued after expiry", "audience of the FHIR base"];

    [Theory]
    [MemberData(nameof(BadAssertions))]
    public async Task A_bad_assertion_is_an_invalid_client(string fault)
    {
        var assertion = fault switch
        {
            "other key" => factory.Assertion(Renji, key: new RsaSecurityKey(RSA.Create(2048)) { KeyId = "renji" }),
            "expires in 10 min" => factory.Assertion(Renji, lifetime: TimeSpan.FromMinutes(10)),
            "expired" => ExpiredAssertion(),
            "wrong audience" => factory.Assertion(Renji, audience: "https://elsewhere.example.org/token"),
            "RS256" => factory.Assertion(Renji, algorithm: SecurityAlgorithms.RsaSha256),
            "unknown client" => factory.Assertion(Renji with { Name = "stranger" }),
            "issued in the future" => factory.Assertion(Renji, issuedAt: TimeSpan.FromMinutes(3)),
            "not before in the future" => factory.Assertion(Renji, notBefore: TimeSpan.FromMinutes(3)),
            "not before after expiry" => factory.Assertion(Renji, notBefore: TimeSpan.FromSeconds(20), lifetime: TimeSpan.FromSeconds(10)),
            "issued after expiry" => factory.Assertion(Renji, issuedAt: TimeSpan.FromSeconds(20), lifetime: TimeSpan.FromSeconds(10)),
            "audience of the FHIR base" => factory.Assertion(Renji, audience: "http://localhost/fhir"),
            _ => "not-a-jwt",
        };
        var response = await factory.RequestTokenAsync(assertion, "system/*.rs");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", await ErrorAsync(response));
    }

    private string ExpiredAssertion()
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Renji.ClientId, Audience = SecuredServerFactory.TokenUrl,
            Claims = new Dictionary<string, object> { ["sub"] = Renji.ClientId, ["jti"] = Guid.NewGuid().ToString() },
            IssuedAt = now.AddMinutes(-10), NotBefore = now.AddMinutes(-10), Expires = now.AddMinutes(-5),
            SigningCredentials = new SigningCredentials(Renji.PrivateKey, SecurityAlgorithms.RsaSha384),
        });
    }

    [Fact]
    public async Task A_little_clock_skew_is_tolerated()
    {
        var response = await factory.RequestTokenAsync(factory.Assertion(Renji, issuedAt: TimeSpan.FromSeconds(10), notBefore: TimeSpan.FromSeconds(10)), "system/*.rs");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_audience_is_the_configured_token_URL_whatever_Host_the_request_names()
    {
        // The test host takes the Host header as sent: the server builds its discovery document from it.
        using (var client = factory.CreateClient())
        {
            var discovery = new HttpRequestMessage(HttpMethod.Get, "/.well-known/smart-configuration");
            discovery.Headers.Host = "evil.example";
            Assert.Contains("evil.example", await (await client.SendAsync(discovery)).Content.ReadAsStringAsync());
        }
        var forOtherServer = await factory.RequestTokenAsync(factory.Assertion(Renji, audience: "http://evil.example/auth/token"), "system/*.rs", host: "evil.example");
        Assert.Equal(HttpStatusCode.Unauthorized, forOtherServer.StatusCode);
        Assert.Equal("invalid_client", await ErrorAsync(forOtherServer));
        var forThisServer = await factory.RequestTokenAsync(factory.Assertion(Renji), "system/*.rs", host: "evil.example");
        Assert.Equal(HttpStatusCode.OK, forThisServer.StatusCode);
    }

    [Fact]
    public async Task Of_two_concurrent_uses_of_one_assertion_exactly_one_gets_a_token()
    {
        var assertion = factory.Assertion(Renji);
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => factory.RequestTokenAsync(assertion, "system/*.rs")));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.Unauthorized, a.StatusCode));
    }

    [Fact]
    public async Task A_replayed_assertion_is_refused_after_a_restart()
    {
        var assertion = factory.Assertion(Renji);
        Assert.Equal(HttpStatusCode.OK, (await factory.RequestTokenAsync(assertion, "system/*.rs")).StatusCode);
        using var restarted = factory.Restarted();
        var replay = await restarted.RequestTokenAsync(assertion, "system/*.rs");
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Contains("jti", (string)JsonNode.Parse(await replay.Content.ReadAsStringAsync())!["error_description"]!);
        // the restarted server does issue tokens: the refusal is the replay's
        Assert.Equal(HttpStatusCode.OK, (await restarted.RequestTokenAsync(restarted.Assertion(Renji), "system/*.rs")).StatusCode);
    }

    public static TheoryData<int> BrokenForms() => [.. Enumerable.Range(0, Fuzz.FuzzInputs.BrokenMultiparts.Length)];

    [Theory]
    [MemberData(nameof(BrokenForms))]
    public async Task A_broken_multipart_body_is_an_invalid_request(int form)
    {
        using var client = factory.CreateClient();
        var response = await client.PostAsync("/auth/token", Fuzz.FuzzInputs.BrokenMultipart(form));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", await ErrorAsync(response));
    }

    [Fact]
    public async Task Scopes_beyond_the_clients_are_not_granted()
    {
        var monitor = factory.Clients["monitor"]; // allowed system/*.rs
        var response = await factory.RequestTokenAsync(factory.Assertion(monitor), "system/Observation.c");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_scope", await ErrorAsync(response));
        var partly = JsonNode.Parse(await (await factory.RequestTokenAsync(factory.Assertion(monitor), "system/*.cruds system/AuditEvent.rs")).Content.ReadAsStringAsync())!;
        Assert.Equal("system/AuditEvent.rs", (string)partly["scope"]!);
    }

    [Fact]
    public async Task Grant_type_and_assertion_type_are_checked()
    {
        using var client = factory.CreateClient();
        var wrongGrant = await client.PostAsync("/auth/token", new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "password" }));
        Assert.Equal("unsupported_grant_type", await ErrorAsync(wrongGrant));
        var noAssertion = await client.PostAsync("/auth/token", new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }));
        Assert.Equal("invalid_request", await ErrorAsync(noAssertion));
    }

    [Fact]
    public async Task A_token_signed_by_anyone_else_or_expired_is_refused_by_the_FHIR_API()
    {
        var now = DateTime.UtcNow;
        var forged = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "urn:fhirtrial:auth", Audience = "urn:fhirtrial:fhir",
            Claims = new Dictionary<string, object> { ["client_id"] = "admin-client", ["fhirtrial_role"] = "admin", ["scope"] = "system/*.cruds" },
            Expires = now.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(RSA.Create(2048)) { KeyId = "server" }, SecurityAlgorithms.RsaSha384),
        });
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", forged);
        var response = await client.GetAsync("/fhir/Patient");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task A_client_over_its_rate_limit_gets_429_with_Retry_After()
    {
        using var throttled = await factory.ClientForAsync("throttled"); // 3 requests a minute
        HttpResponseMessage? last = null;
        for (int i = 0; i < 6 && last?.StatusCode != HttpStatusCode.TooManyRequests; i++)
            last = await throttled.GetAsync("/fhir/ResearchStudy/ak104-rcc-2l");
        Assert.Equal(HttpStatusCode.TooManyRequests, last!.StatusCode);
        Assert.True(last.Headers.RetryAfter is not null);
        Assert.Equal("OperationOutcome", (string)(await last.BodyAsync())["resourceType"]!);
        // other clients are not slowed down
        using var researcher = await factory.ClientForAsync("researcher");
        Assert.Equal(HttpStatusCode.OK, (await researcher.GetAsync("/fhir/ResearchStudy/ak104-rcc-2l")).StatusCode);
    }
}
