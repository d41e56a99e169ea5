using System.Net;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Serialization;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Tests.Serialization;

/// <summary>A resource with nothing but its type is valid FHIR and is read; an empty element inside one stays refused.</summary>
public sealed class EmptyResourceParsingTests
{
    [Fact]
    public void A_JSON_resource_with_only_its_type_is_read() =>
        Assert.IsType<Parameters>(FhirSerializer.ParseJson("""{"resourceType": "Parameters"}"""));

    [Fact]
    public void An_XML_resource_with_only_its_type_is_read() =>
        Assert.IsType<Parameters>(FhirSerializer.ParseXml("""<Parameters xmlns="http://hl7.org/fhir"/>"""));

    [Theory]
    [InlineData("""{"resourceType": "Patient", "name": [{}]}""")]
    [InlineData("""{"resourceType": "Patient", "contact": [{"name": {}}]}""")]
    [InlineData("""{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {}}]}""")]
    public void An_empty_element_inside_a_JSON_resource_is_refused(string json)
    {
        var refused = Assert.Throws<FhirException>(() => FhirSerializer.ParseJson(json));
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
    }

    [Fact]
    public void An_empty_element_inside_an_XML_resource_is_refused()
    {
        var refused = Assert.Throws<FhirException>(() => FhirSerializer.ParseXml("""<Patient xmlns="http://hl7.org/fhir"><name/></Patient>"""));
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
    }

    [Fact]
    public void An_empty_resource_with_another_error_is_refused()
    {
        // a Bundle without its required type: the empty object is not the parser's only complaint
        Assert.Throws<FhirException>(() => FhirSerializer.ParseJson("""{"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Parameters"}}]}"""));
    }
}

/// <summary>A contained resource's id may be longer than 64 characters (a local name); a resource's own id may not.</summary>
public sealed class ContainedIdParsingTests
{
    private static readonly string Long = new('1', 65);

    [Fact]
    public void A_long_contained_id_is_read_as_written()
    {
        var condition = Assert.IsType<Condition>(FhirSerializer.ParseJson(
            $$"""{"resourceType": "Condition", "subject": {"display": "x"}, "contained": [{"resourceType": "Practitioner", "id": "{{Long}}"}]}"""));
        Assert.Equal(Long, condition.Contained.Single().Id);
    }

    [Fact]
    public void A_long_contained_id_is_read_from_XML() =>
        Assert.Equal(Long, Assert.IsType<Condition>(FhirSerializer.ParseXml(
            $"""<Condition xmlns="http://hl7.org/fhir"><contained><Practitioner><id value="{Long}"/></Practitioner></contained><subject><display value="x"/></subject></Condition>""")).Contained.Single().Id);

    [Fact]
    public void A_long_id_of_the_resource_itself_is_refused() =>
        Assert.Throws<FhirException>(() => FhirSerializer.ParseJson($$$"""{"resourceType": "Condition", "id": "{{{Long}}}", "subject": {"display": "x"}}"""));

    [Fact]
    public void A_contained_id_with_characters_an_id_may_not_have_is_refused() =>
        Assert.Throws<FhirException>(() => FhirSerializer.ParseJson(
            """{"resourceType": "Condition", "subject": {"display": "x"}, "contained": [{"resourceType": "Practitioner", "id": "bad id"}]}"""));
}
