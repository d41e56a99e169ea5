using System.Net;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Terminology;
using FhirTrial.Fhir.Tests.Validation;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Tests.Terminology;

/// <summary>The terminology service the validator holds, answering on the trial package and on the R4 core.</summary>
[Collection(ValidationCollection.Name)]
public sealed class TerminologyServiceTests(ValidatorFixture fixture)
{
    private const string Canon = "http://fhirtrial.example.org/fhir";
    private const string Gender = "http://hl7.org/fhir/administrative-gender";

    private TerminologyService Terminology => fixture.Service.Terminology;

    private static Parameters In(params (string Name, DataType Value)[] values)
    {
        var parameters = new Parameters();
        foreach (var (name, value) in values) parameters.Add(name, value);
        return parameters;
    }

    private static T Out<T>(Parameters parameters, string name) where T : DataType
        => Assert.IsType<T>(parameters.Parameter.First(p => p.Name == name).Value);

    [Theory]
    [InlineData("http://hl7.org/fhir/ValueSet/administrative-gender", "female,male,other,unknown")]
    [InlineData(Canon + "/ValueSet/recist-response", "CR,NE,NON-CR/NON-PD,PD,PR,SD")]
    [InlineData(Canon + "/ValueSet/causality", "not-related,possibly-related,probably-related,related")]
    public async Task Expands_core_and_trial_value_sets(string url, string codes)
    {
        var expanded = (ValueSet)await Terminology.Expand(In(("url", new FhirUri(url))));
        Assert.Equal(codes.Split(','), expanded.Expansion!.Contains.Select(c => c.Code).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Looks_up_a_core_code()
    {
        var result = await Terminology.Lookup(In(("system", new FhirUri(Gender)), ("code", new Code("female"))));
        Assert.Equal("Female", Out<FhirString>(result, "display").Value);
        Assert.Equal("AdministrativeGender", Out<FhirString>(result, "name").Value);
    }

    [Fact]
    public async Task Looks_up_a_trial_code_with_its_definition_and_properties()
    {
        var result = await Terminology.Lookup(In(("system", new FhirUri(Canon + "/CodeSystem/recist")), ("code", new Code("target"))));
        Assert.Equal("Target lesion", Out<FhirString>(result, "display").Value);
        Assert.StartsWith("A measurable lesion", Out<FhirString>(result, "definition").Value);
        var group = result.Parameter.Where(p => p.Name == "property").Single(p => p.Part.Any(x => x.Name == "code" && x.Value is Code { Value: "group" }));
        Assert.Equal("lesion-role", Assert.IsType<Code>(group.Part.Single(x => x.Name == "value").Value).Value);
    }

    [Theory]
    [InlineData(Gender, "boy")]
    [InlineData("http://example.org/unknown-system", "x")]
    public async Task Looking_up_what_is_not_there_is_not_found(string system, string code)
    {
        var error = await Assert.ThrowsAsync<FhirException>(() => Terminology.Lookup(In(("system", new FhirUri(system)), ("code", new Code(code)))));
        Assert.Equal(HttpStatusCode.NotFound, error.Status);
    }

    [Theory]
    [InlineData("http://hl7.org/fhir/ValueSet/administrative-gender", Gender, "male", true)]
    [InlineData("http://hl7.org/fhir/ValueSet/administrative-gender", Gender, "boy", false)]
    [InlineData(Canon + "/ValueSet/recist-response", Canon + "/CodeSystem/recist", "PR", true)]
    [InlineData(Canon + "/ValueSet/recist-response", Canon + "/CodeSystem/recist", "target", false)]
    [InlineData("http://hl7.org/fhir/ValueSet/ucum-units", UcumCodes.System, "mm[Hg]", true)]
    [InlineData("http://hl7.org/fhir/ValueSet/ucum-units", UcumCodes.System, "10*9/L", true)]
    [InlineData("http://hl7.org/fhir/ValueSet/ucum-units", UcumCodes.System, "furlong", false)]
    public async Task Validates_a_code_against_a_value_set(string url, string system, string code, bool valid)
    {
        var result = await Terminology.ValueSetValidateCode(In(("url", new FhirUri(url)), ("system", new FhirUri(system)), ("code", new Code(code))));
        Assert.Equal(valid, Out<FhirBoolean>(result, "result").Value);
    }

    [Theory]
    [InlineData(Canon + "/CodeSystem/recist", "target", "Target lesion", true)]
    [InlineData(Canon + "/CodeSystem/recist", "target", "Some lesion", false)]
    [InlineData(Canon + "/CodeSystem/recist", "CR", null, true)]
    [InlineData(Gender, "other", "Other", true)]
    [InlineData(Gender, "Male", null, false)]
    public async Task Validates_a_code_against_a_code_system(string system, string code, string? display, bool valid)
    {
        var input = In(("url", new FhirUri(system)), ("code", new Code(code)));
        if (display is not null) input.Add("display", new FhirString(display));
        var result = await Terminology.CodeSystemValidateCode(input);
        Assert.Equal(valid, Out<FhirBoolean>(result, "result").Value);
    }

    [Fact]
    public async Task The_validator_uses_the_same_service_for_UCUM()
    {
        // a valid and an invalid unit in a binding to ucum-units (Quantity in a core profile that binds it: none in R4
        // base, so the service itself answers what the validator would ask)
        Assert.True(UcumCodes.IsValid("mg/dL"));
        Assert.False(UcumCodes.IsValid("mg per dL"));
        var lookup = await Terminology.Lookup(In(("system", new FhirUri(UcumCodes.System)), ("code", new Code("mm"))));
        Assert.Equal("m", Assert.IsType<FhirString>(lookup.Parameter.Single(p => p.Name == "property").Part.Single(x => x.Name == "value").Value).Value);
    }
}
