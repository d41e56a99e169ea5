using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Search;
using FhirTrial.Fhir.Subscriptions;
using FhirTrial.Fhir.Tests.Indexing;

namespace FhirTrial.Fhir.Tests.Subscriptions;

/// <summary>Criteria run inside every write of their type, so they are held below what one search may ask.</summary>
public sealed class SubscriptionCriteriaBoundsTests
{
    private static readonly SearchParser Parser = new(EngineRegistry.Instance);

    [Theory]
    [InlineData("Observation?subject:Patient.organization.name=x")]
    [InlineData("Observation?code=a,b,c&status=final&category=laboratory")]
    public void Criteria_within_the_bounds_are_taken(string criteria)
        => Assert.Equal("Observation", SubscriptionCriteria.Parse(Parser, criteria).Type);

    [Theory]
    [InlineData("Observation?subject:Patient.organization.partof.name=x")]
    [InlineData("Observation?_has:Observation:has-member:_has:Observation:has-member:_has:Observation:has-member:status=final")]
    public void More_than_two_links_are_refused(string criteria) => Refused(criteria);

    [Fact]
    public void More_than_ten_conditions_or_fifty_values_are_refused()
    {
        Refused("Observation?" + string.Join("&", Enumerable.Range(0, 11).Select(i => $"code:not=c{i}")));
        Refused("Observation?code=" + string.Join(",", Enumerable.Range(0, 51).Select(i => $"c{i}")));
    }

    private static void Refused(string criteria)
    {
        var error = Assert.Throws<FhirException>(() => SubscriptionCriteria.Parse(Parser, criteria));
        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, error.Status);
        Assert.Contains("every write", error.Message);
    }
}
