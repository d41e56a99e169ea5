using System.Net;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Tests.Shared;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Tests.Serialization;

/// <summary>XML is held to JSON's depth limit before any recursive parsing, and what it lets in reads back as JSON.</summary>
public sealed class FhirSerializerDepthTests
{
    private static void AssertTooDeep(string xml)
    {
        var refused = Assert.Throws<FhirException>(() => FhirSerializer.ParseXml(xml));
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal(OperationOutcome.IssueType.TooCostly, refused.Outcome.Issue[0].Code);
    }

    [Fact]
    public void XML_within_the_limit_is_stored_as_JSON_that_reads_back()
    {
        var patient = FhirSerializer.ParseXml(HostileBodies.NestedExtensionsXml(63)); // 1 + 2 * 63 = 127 JSON levels
        var again = FhirSerializer.ParseJson(FhirSerializer.ToJson(patient));
        Assert.True(again.IsExactly(patient));
    }

    [Fact]
    public void XML_whose_JSON_form_is_too_deep_is_refused() => AssertTooDeep(HostileBodies.NestedExtensionsXml(64));

    [Fact]
    public void XML_nested_40000_deep_is_refused_without_recursion()
    {
        AssertTooDeep(HostileBodies.DeepXmlBundle(40_000));
    }
}
