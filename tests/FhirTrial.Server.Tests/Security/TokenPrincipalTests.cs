using System.Security.Claims;
using FhirTrial.Fhir.Security;
using FhirTrial.Server.Security;
using Microsoft.Extensions.Configuration;

namespace FhirTrial.Server.Tests.Security;

/// <summary>Who a validated token speaks for: the client id owns subscriptions and export jobs and names the caller in
/// every AuditEvent, so a token without one, or claiming one of the server's own names, speaks for no one.</summary>
public sealed class TokenPrincipalTests
{
    private static readonly AuthSettings NoClients = AuthSettings.From(new ConfigurationBuilder().Build());

    private static ClaimsPrincipal Token(params (string Type, string Value)[] claims)
        => new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "Bearer"));

    [Fact]
    public void A_token_naming_a_client_and_a_role_is_that_client_in_that_role()
    {
        var principal = FhirAccessMiddleware.PrincipalOf(Token(("azp", "stats-app"), ("fhirtrial_role", "statistician"), ("scope", "system/*.rs")), NoClients);
        Assert.Equal(("stats-app", StudyRole.Statistician), (principal.ClientId, principal.Role));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    [InlineData("anonymous")]
    [InlineData("Anonymous")]
    [InlineData("fhirtrial-server")]
    [InlineData("invalid-token")]
    [InlineData("unauthenticated")]
    public void A_token_with_no_client_or_one_of_the_servers_own_names_is_refused(string? clientId)
    {
        var claims = new List<(string, string)> { ("fhirtrial_role", "admin"), ("scope", "system/*.cruds") };
        if (clientId is not null) claims.Add(("client_id", clientId));
        var principal = FhirAccessMiddleware.PrincipalOf(Token([.. claims]), NoClients);
        Assert.Equal(StudyRole.Unauthenticated, principal.Role);
        Assert.False(principal.Scopes.AllowsEveryType('r'));
    }

    [Fact]
    public void A_registered_client_may_not_take_one_of_the_servers_own_names()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:Enabled"] = "true",
            ["Auth:Clients:0:ClientId"] = "fhirtrial-server",
            ["Auth:Clients:0:Role"] = "admin",
            ["Auth:Clients:0:PublicJwk"] = """{"kty":"RSA","n":"AQAB","e":"AQAB"}""",
        }).Build();
        var refused = Assert.Throws<InvalidOperationException>(() => AuthSettings.From(configuration));
        Assert.Contains("server's own names", refused.Message);
    }
}
