using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Validation;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Tests.Validation;

/// <summary>A Bundle's JWS signature verifies with its certificate and signs this Bundle (canonicalization json#document).</summary>
public sealed class BundleSignaturesTests
{
    private const string Document = "application/fhir+json;canonicalization=http://hl7.org/fhir/canonicalization/json#document";

    private static Bundle NewBundle(string family) => new()
    {
        Id = "signed",
        Type = Bundle.BundleType.Document,
        Timestamp = DateTimeOffset.Parse("2026-12-07T10:00:00Z"),
        Identifier = new Identifier("urn:ietf:rfc:3986", "urn:uuid:0f0b5bd2-6a5b-4d8c-9d0e-6d0b2c1b8a11"),
        Entry = [new() { FullUrl = "urn:uuid:1f0b5bd2-6a5b-4d8c-9d0e-6d0b2c1b8a11", Resource = new Patient { Name = [new HumanName { Family = family }] } }],
    };

    private static string Url(byte[] bytes) => Base64Url.EncodeToString(bytes);

    /// <summary>Signs <paramref name="content"/> (id, meta and signature left out, as json#document says) with a fresh key.</summary>
    private static byte[] Jws(Bundle content, bool detached = false)
    {
        using var rsa = RSA.Create(2048);
        using var certificate = new CertificateRequest("CN=signer", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var header = Url(Encoding.UTF8.GetBytes($$"""{"alg":"RS256","x5c":["{{Convert.ToBase64String(certificate.RawData)}}"]}"""));
        var signed = (Bundle)content.DeepCopy();
        signed.Id = null;
        signed.Meta = null;
        signed.Signature = null;
        var payload = Url(FhirSerializer.ToJsonBytes(signed));
        var signature = Url(rsa.SignData(Encoding.ASCII.GetBytes($"{header}.{payload}"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        return Encoding.ASCII.GetBytes(detached ? $"{header}..{signature}" : $"{header}.{payload}.{signature}");
    }

    private static Bundle Signed(Bundle bundle, byte[] data)
    {
        bundle.Signature = new Signature { SigFormat = "application/jose", TargetFormat = Document, Data = data, When = DateTimeOffset.UtcNow };
        return bundle;
    }

    [Fact]
    public void A_signature_of_this_Bundle_has_no_issues()
    {
        var bundle = NewBundle("Chen");
        bundle.Meta = new Meta { VersionId = "3" }; // not signed under json#document
        Assert.Empty(BundleSignatures.Check(Signed(bundle, Jws(bundle))));
    }

    [Fact]
    public void A_signature_of_other_content_is_refused()
    {
        var issue = Assert.Single(BundleSignatures.Check(Signed(NewBundle("Chen"), Jws(NewBundle("Wang")))));
        Assert.Equal("Bundle.signature[0]", issue.Expression.Single());
        Assert.Contains("not this Bundle", issue.Diagnostics);
    }

    [Fact]
    public void A_signature_that_does_not_verify_is_refused()
    {
        var bundle = NewBundle("Chen");
        var data = Jws(bundle);
        data[^3] = (byte)(data[^3] == (byte)'A' ? 'B' : 'A'); // one character of the signature changed
        Assert.Contains(BundleSignatures.Check(Signed(bundle, data)), i => (i.Diagnostics ?? "").Contains("does not verify"));
    }

    [Fact]
    public void A_detached_signature_is_not_checked()
    {
        var bundle = NewBundle("Chen");
        Assert.Empty(BundleSignatures.Check(Signed(bundle, Jws(NewBundle("Wang"), detached: true))));
    }

    [Fact]
    public void Data_that_is_not_a_JWS_is_refused() =>
        Assert.Contains("not a JWS", Assert.Single(BundleSignatures.Check(Signed(NewBundle("Chen"), Encoding.ASCII.GetBytes("not a jws")))).Diagnostics);

    [Theory]
    [InlineData("""{"alg":"R","x5c":["AA=="]}""")]
    [InlineData("""{"alg":"RS256","x5c":[1]}""")]
    [InlineData("""{"alg":"RS256","x5c":["not base64"]}""")]
    [InlineData("""not json""")]
    public void A_malformed_JWS_header_is_an_issue_not_an_exception(string header)
    {
        var data = Encoding.ASCII.GetBytes($"{Url(Encoding.UTF8.GetBytes(header))}.{Url("{}"u8.ToArray())}.{Url([1, 2, 3])}");
        var bundle = Signed(NewBundle("Chen"), data);
        bundle.Signature!.TargetFormat = "application/fhir+json";
        Assert.All(BundleSignatures.Check(bundle), i => Assert.Equal(OperationOutcome.IssueSeverity.Error, i.Severity));
    }
}
