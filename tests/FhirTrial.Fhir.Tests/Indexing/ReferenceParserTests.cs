using FhirTrial.Fhir.Indexing;

namespace FhirTrial.Fhir.Tests.Indexing;

public class ReferenceParserTests
{
    [Theory]
    [InlineData("Patient/p1", "Patient", "p1", null)]
    [InlineData("Observation/o1/_history/3", "Observation", "o1", null)]
    [InlineData("http://elsewhere.org/fhir/Patient/p1", "Patient", null, "http://elsewhere.org/fhir/Patient/p1")]
    [InlineData("http://elsewhere.org/fhir/Patient/p1/_history/2", "Patient", null, "http://elsewhere.org/fhir/Patient/p1")]
    [InlineData("http://hl7.org/fhir/StructureDefinition/Patient|4.0.1", "StructureDefinition", null, "http://hl7.org/fhir/StructureDefinition/Patient")]
    [InlineData("urn:uuid:31cf8bbd-ca1b-4762-87f5-4ebc1dd0caf9", null, null, "urn:uuid:31cf8bbd-ca1b-4762-87f5-4ebc1dd0caf9")]
    [InlineData("NotAType/x", null, null, "NotAType/x")]
    [InlineData("/Patient", null, null, "/Patient")]
    [InlineData("Patient", null, null, "Patient")]
    public void References_split_into_local_type_and_id_or_stay_a_url(string reference, string? type, string? id, string? url)
        => Assert.Equal(new ReferenceParser.Parsed(type, id, url), ReferenceParser.Parse(reference));

    [Fact]
    public void An_absolute_reference_to_this_server_is_local()
    {
        LocalBase.Register("http://parser-test.local/fhir");
        Assert.Equal(new ReferenceParser.Parsed("Patient", "p9", null), ReferenceParser.Parse("http://parser-test.local/fhir/Patient/p9"));
    }
}
