using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using FhirTrial.Fhir.Serialization;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Validation;

/// <summary>
/// A Bundle's JWS signature (R4 Signature: <c>sigFormat</c> <c>application/jose</c>, a JWS of RFC 7515 in compact form),
/// checked where it can be without a canonicalizer: a JWS whose header carries its certificate (<c>x5c</c>) must verify
/// over its own header and payload, and a payload it carries, signed as a document (R4 signatures.html, canonicalization
/// <c>json#document</c>, which leaves out <c>Bundle.id</c>, <c>Bundle.meta</c> and <c>Bundle.signature</c>), must be this
/// Bundle. A detached payload, other algorithms and XML signatures are not checked.
/// </summary>
public static class BundleSignatures
{
    private const string DocumentCanonicalization = "canonicalization=http://hl7.org/fhir/canonicalization/json#document";

    public static IEnumerable<OperationOutcome.IssueComponent> Check(Bundle bundle)
    {
        const string path = "Bundle.signature[0]";
        var signature = bundle.Signature;
        if (signature?.SigFormat != "application/jose" || signature.Data is not { Length: > 0 } data) return [];
        var parts = Encoding.ASCII.GetString(data).Trim().Split('.');
        if (parts.Length != 3 || Decode(parts[0]) is not { } header || Decode(parts[2]) is not { } signed)
            return [ResourceWalk.Error(code: OperationOutcome.IssueType.Invalid, location: path, message: "The signature's data is not a JWS in compact form (RFC 7515).")];
        if (parts[1].Length == 0) return []; // detached: verifying needs the Bundle's canonical bytes
        var issues = new List<OperationOutcome.IssueComponent>();
        if (Verifies(header, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signed) == false)
            issues.Add(ResourceWalk.Error(code: OperationOutcome.IssueType.Security, location: path, message: "The signature does not verify against the certificate in its JWS header (x5c)."));
        if (signature.TargetFormat?.Contains(DocumentCanonicalization, StringComparison.Ordinal) == true && !SignsThisBundle(bundle, parts[1]))
            issues.Add(ResourceWalk.Error(code: OperationOutcome.IssueType.Security, location: path,
                message: "The content the signature signs is not this Bundle (canonicalization json#document: all but Bundle.id, Bundle.meta and Bundle.signature)."));
        return issues;
    }

    /// <summary>Whether the JWS verifies with the key of its header's first certificate; null when it cannot be
    /// told (no certificate, an algorithm other than RS*/ES*).</summary>
    private static bool? Verifies(byte[] headerJson, byte[] signingInput, byte[] signed)
    {
        try
        {
            using var header = JsonDocument.Parse(headerJson);
            var alg = header.RootElement.TryGetProperty("alg", out var a) ? a.GetString() : null;
            if (!header.RootElement.TryGetProperty("x5c", out var chain) || chain.ValueKind != JsonValueKind.Array || chain.GetArrayLength() == 0) return null;
            using var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(chain[0].GetString() ?? ""));
            HashAlgorithmName? hash = alg is { Length: 5 } ? alg[2..] switch { "256" => HashAlgorithmName.SHA256, "384" => HashAlgorithmName.SHA384, "512" => HashAlgorithmName.SHA512, _ => null } : null;
            if (hash is null) return null;
            if (alg!.StartsWith("RS", StringComparison.Ordinal))
            {
                using var rsa = certificate.GetRSAPublicKey();
                return rsa?.VerifyData(signingInput, signed, hash.Value, RSASignaturePadding.Pkcs1);
            }
            if (alg.StartsWith("ES", StringComparison.Ordinal))
            {
                using var ecdsa = certificate.GetECDsaPublicKey();
                return ecdsa?.VerifyData(signingInput, signed, hash.Value);
            }
            return null;
        }
        catch (Exception e) when (e is JsonException or FormatException or CryptographicException or InvalidOperationException)
        {
            return false;
        }
    }

    private static bool SignsThisBundle(Bundle bundle, string payload)
    {
        if (Decode(payload) is not { } bytes) return false;
        Resource content;
        try
        {
            content = FhirSerializer.ParseJson(bytes);
        }
        catch (Errors.FhirException)
        {
            return false;
        }
        return content is Bundle signedBundle && AsSigned(signedBundle).IsExactly(AsSigned(bundle));
    }

    private static Bundle AsSigned(Bundle bundle)
    {
        var copy = (Bundle)bundle.DeepCopy();
        copy.Id = null;
        copy.Meta = null;
        copy.Signature = null;
        return copy;
    }

    private static byte[]? Decode(string base64Url)
    {
        try
        {
            return Base64Url.DecodeFromChars(base64Url);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
