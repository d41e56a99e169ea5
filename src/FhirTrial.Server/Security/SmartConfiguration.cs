using System.Text.Json;
using FhirTrial.Fhir.Conformance;
using Hl7.Fhir.Model;
using Microsoft.IdentityModel.Tokens;

namespace FhirTrial.Server.Security;

/// <summary><c>/.well-known/smart-configuration</c>, the public signing keys, and the CapabilityStatement's <c>rest.security</c>.</summary>
public sealed class SmartConfiguration(AuthSettings settings, IConfiguration configuration) : ICapabilityAmendment
{
    public static readonly string[] ScopesSupported =
        ["system/*.cruds", "system/*.rs", "system/Patient.rs", "system/Observation.cruds", "user/*.rs", "user/*.cruds"];

    private string TokenEndpointFor(HttpRequest request) => configuration["Auth:TokenEndpoint"] ?? RootFor(request) + TokenEndpoint.Path;

    /// <summary>Where clients reach this server: <c>Fhir:PublicBaseUrl</c>'s root when set, never then the request's Host.</summary>
    private string RootFor(HttpRequest request)
        => Hosting.LocalBaseUrls.PublicRoot(configuration)?.TrimEnd('/') ?? $"{request.Scheme}://{request.Host}{request.PathBase}";

    public async Task WriteAsync(HttpContext http)
    {
        http.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(http.Response.Body, new Dictionary<string, object?>
        {
            ["issuer"] = settings.Authority ?? settings.Issuer,
            ["jwks_uri"] = settings.IssuesTokens ? RootFor(http.Request) + "/auth/jwks" : null,
            ["token_endpoint"] = TokenEndpointFor(http.Request),
            ["token_endpoint_auth_methods_supported"] = new[] { "private_key_jwt" },
            ["token_endpoint_auth_signing_alg_values_supported"] = new[] { "RS384", "ES384" },
            ["grant_types_supported"] = new[] { "client_credentials" },
            ["scopes_supported"] = ScopesSupported,
            ["capabilities"] = new[] { "client-confidential-asymmetric", "permission-v2", "permission-v1" },
        }, cancellationToken: http.RequestAborted);
    }

    public async Task WriteKeysAsync(HttpContext http)
    {
        var keys = settings.SigningKeys.Select(k => k switch
        {
            JsonWebKey j => Public(j),
            _ => Public(JsonWebKeyConverter.ConvertFromSecurityKey(k)),
        });
        http.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(http.Response.Body, new { keys }, cancellationToken: http.RequestAborted);
    }

    private static Dictionary<string, string> Public(JsonWebKey key)
    {
        var json = new Dictionary<string, string> { ["kty"] = key.Kty, ["kid"] = key.Kid ?? "", ["use"] = "sig" };
        if (key.Kty == "RSA") { json["n"] = key.N; json["e"] = key.E; json["alg"] = "RS384"; }
        else { json["crv"] = key.Crv; json["x"] = key.X; json["y"] = key.Y; json["alg"] = "ES384"; }
        return json;
    }

    /// <summary>With auth on, the CapabilityStatement says SMART-on-FHIR and where the token endpoint is; in any mode, that
    /// AuditEvents cannot be updated, patched or deleted.</summary>
    public void Amend(CapabilityStatement statement, string baseUrl)
    {
        foreach (var rest in statement.Rest)
        {
            foreach (var resource in rest.Resource.Where(r => r.Type == "AuditEvent"))
                resource.Interaction.RemoveAll(i => i.Code is CapabilityStatement.TypeRestfulInteraction.Update
                    or CapabilityStatement.TypeRestfulInteraction.Patch or CapabilityStatement.TypeRestfulInteraction.Delete);
            if (!settings.Enabled) continue;
            var root = baseUrl.EndsWith("/fhir", StringComparison.Ordinal) ? baseUrl[..^"/fhir".Length] : baseUrl;
            var oauth = new Extension { Url = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris" };
            oauth.Extension.Add(new Extension("token", new FhirUri(configuration["Auth:TokenEndpoint"] ?? root + TokenEndpoint.Path)));
            rest.Security = new CapabilityStatement.SecurityComponent
            {
                Service = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR", "SMART-on-FHIR")],
                Description = "SMART backend services (client_credentials with a private_key_jwt assertion); SMART v2 system scopes; "
                    + "site clients see and change only their own patients' data.",
                Extension = [oauth],
            };
        }
    }
}
