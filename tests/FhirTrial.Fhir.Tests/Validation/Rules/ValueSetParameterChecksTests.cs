using FhirTrial.Fhir.Validation;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Tests.Validation.Rules;

/// <summary>A computed compose filter value (cqf-expression) is FHIRPath, parses, and uses only declared parameters.</summary>
public sealed class ValueSetParameterChecksTests
{
    private static ValueSet Parameterised(string language, string expression)
    {
        var value = new FhirString();
        value.Extension.Add(new Extension(ValueSetParameterChecks.ExpressionExtension,
            new Expression { Language = language, Expression_ = expression }));
        var parameter = new Extension { Url = ValueSetParameterChecks.ParameterExtension };
        parameter.AddExtension("name", new Code("p-inactive"));
        return new ValueSet
        {
            Extension = [parameter],
            Status = PublicationStatus.Active,
            Compose = new ValueSet.ComposeComponent
            {
                Include =
                [
                    new ValueSet.ConceptSetComponent
                    {
                        System = "http://snomed.info/sct",
                        Filter = [new ValueSet.FilterComponent { Property = "inactive", Op = FilterOperator.Equal, ValueElement = value }],
                    },
                ],
            },
        };
    }

    private static List<string> Errors(ValueSet valueSet) =>
        ValueSetParameterChecks.Check(valueSet).Select(i => $"{i.Expression.Single()}: {i.Diagnostics}").ToList();

    [Theory]
    [InlineData("%p-inactive")]
    [InlineData("%p-inactive.not() and %context.exists()")]
    public void A_declared_parameter_passes(string expression) => Assert.Empty(Errors(Parameterised("text/fhirpath", expression)));

    [Fact]
    public void An_undeclared_parameter_is_an_error()
    {
        var error = Assert.Single(Errors(Parameterised("text/fhirpath", "%p-inactive3")));
        Assert.StartsWith("ValueSet.compose[0].include[0].filter[0].value[0].extension[0]:", error);
        Assert.Contains("'p-inactive3'", error);
    }

    [Fact]
    public void An_expression_that_does_not_parse_is_an_error() =>
        Assert.Contains("not a valid FHIRPath", Assert.Single(Errors(Parameterised("text/fhirpath", "$ and %p-inactive"))));

    [Fact]
    public void Another_language_is_an_error() =>
        Assert.Contains("'text/cql'", Assert.Single(Errors(Parameterised("text/cql", "\"p-inactive\""))));
}
