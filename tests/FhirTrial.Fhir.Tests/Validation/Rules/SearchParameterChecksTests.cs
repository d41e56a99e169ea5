using FhirTrial.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;

namespace FhirTrial.Fhir.Tests.Validation.Rules;

/// <summary>A SearchParameter's bases agree with the parameter it derives from, and its expression starts at its bases.</summary>
public sealed class SearchParameterChecksTests
{
    private const string OrganizationName = "http://hl7.org/fhir/SearchParameter/Organization-name";

    private static readonly SearchParameter Origin = Origins();

    private static SearchParameter Origins()
    {
        var origin = Parameter(["Organization"], "Organization.name | Organization.alias");
        origin.Url = OrganizationName;
        return origin;
    }

    private static SearchParameter Parameter(string[] bases, string expression, string? derivedFrom = null) => new()
    {
        Url = "https://trial.example.net/SearchParameter/x",
        Name = "x",
        Status = PublicationStatus.Active,
        Description = "x",
        Code = "x",
        Base = bases.Select(b => (ResourceType?)Enum.Parse<ResourceType>(b)).ToList(),
        Type = SearchParamType.String,
        Expression = expression,
        DerivedFrom = derivedFrom,
    };

    private static List<string> Errors(SearchParameter parameter) =>
        SearchParameterChecks.Check(parameter, new InMemoryResourceResolver(Origin))
            .Select(i => $"{i.Expression.Single()}: {i.Diagnostics}").ToList();

    [Fact]
    public void A_base_the_origin_does_not_have_is_an_error()
    {
        var errors = Errors(Parameter(["Patient"], "Patient.name", OrganizationName));
        Assert.StartsWith("SearchParameter: The resource type Patient is not listed", Assert.Single(errors));
        Assert.Empty(Errors(Parameter(["Organization"], "Organization.name", OrganizationName)));
    }

    [Fact]
    public void An_unknown_origin_is_not_judged() =>
        Assert.Empty(Errors(Parameter(["Patient"], "Patient.name", "http://example.net/SearchParameter/unknown")));

    [Fact]
    public void An_expression_starting_at_another_type_is_an_error()
    {
        var errors = Errors(Parameter(["Patient"], "Organization.name | Patient.name"));
        Assert.StartsWith("SearchParameter.expression: The expression", Assert.Single(errors));
    }

    [Theory]
    [InlineData("Patient.name | Practitioner.name")]
    [InlineData("(Patient.deceased as dateTime) | Practitioner.name.where(use = 'official')")]
    [InlineData("Patient.link.other.where(resolve() is Patient)")]
    public void Expressions_on_the_bases_pass(string expression) =>
        Assert.Empty(Errors(Parameter(["Patient", "Practitioner"], expression)));

    [Fact]
    public void A_parameter_on_every_resource_may_start_anywhere() =>
        Assert.Empty(Errors(Parameter(["Resource"], "Resource.id | Patient.id")));
}
