using System.Net;
using System.Text;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Serialization;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Tests.Serialization;

/// <summary>XML is held to JSON's depth limit before any recursive parsing, and what it lets in reads back as JSON.</summary>
public sealed class FhirSerializerDepthTests
{
    private static string NestedExtensions(int levels)
    {
        var xml = new StringBuilder("<Patient xmlns=\"http://hl7.org/fhir\">");
        for (var i = 0; i < levels; i++) xml.Append("<extension url=\"http://example.org/nested\">");
        xml.Append("<valueString value=\"x\"/>");
        for (var i = 0; i < levels; i++) xml.Append("</extension>");
        return xml.Append("</Patient>").ToString();
    }

    private static void AssertTooDeep(string xml)
    {
        var refused = Assert.Throws<FhirException>(() => FhirSerializer.ParseXml(xml));
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal(OperationOutcome.IssueType.TooCostly, refused.Outcome.Issue[0].Code);
    }

    [Fact]
    public void XML_within_the_limit_is_stored_as_JSON_that_reads_back()
    {
        var patient = FhirSerializer.ParseXml(NestedExtensions(63)); // 1 + 2 * 63 = 127 JSON levels
        var again = FhirSerializer.ParseJson(FhirSerializer.ToJson(patient));
        Assert.True(again.IsExactly(patient));
    }

    [Fact]
    public void XML_whose_JSON_form_is_too_deep_is_refused() => AssertTooDeep(NestedExtensions(64));

    [Fact]
    public void XML_nested_40000_deep_is_refused_without_recursion()
    {
        var xml = new StringBuilder("<Bundle xmlns=\"http://hl7.org/fhir\">");
        for (var i = 0; i < 40_000; i++) xml.Append("<entry><resource><Bundle>");
        for (var i = 0; i < 40_000; i++) xml.Append("</Bundle></resource></entry>");
        AssertTooDeep(xml.Append("</Bundle>").ToString());
    }
}
