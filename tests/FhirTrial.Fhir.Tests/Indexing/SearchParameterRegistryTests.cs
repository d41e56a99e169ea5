using FhirTrial.Fhir.Indexing;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Tests.Indexing;

/// <summary>Which parameters only one resource type stores rows for: their matches need no type check.</summary>
public class SearchParameterRegistryTests
{
    [Theory]
    [InlineData("Observation", "value-quantity", true)]
    [InlineData("Observation", "code", false)] // Condition, Procedure, ... have a code too
    [InlineData("Observation", "combo-code", false)] // answered from code rows
    [InlineData("Observation", "_id", false)] // on the resource row
    [InlineData("Observation", "no-such-parameter", false)]
    [InlineData("Patient", "birthdate", false)] // Person and RelatedPerson have one
    public void Only_on_one_type(string type, string name, bool expected)
        => Assert.Equal(expected, new SearchParameterRegistry().IsOnlyOn(type, name));

    [Fact]
    public void A_custom_parameter_of_the_same_name_on_another_type_ends_it()
    {
        var registry = new SearchParameterRegistry();
        Assert.True(registry.IsOnlyOn("Observation", "value-quantity"));

        registry.Add(new SearchParameter
        {
            Url = "http://example.org/SearchParameter/procedure-value-quantity", Name = "value-quantity", Code = "value-quantity",
            Base = [ResourceType.Procedure], Type = SearchParamType.Quantity, Expression = "Procedure.extension.value.as(Quantity)",
        });

        Assert.False(registry.IsOnlyOn("Observation", "value-quantity"));
    }
}
