using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Search;
using FhirTrial.Fhir.Tests.Indexing;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Tests.Search;

public sealed class SearchBoundsTests
{
    private static readonly SearchParser Parser = new(EngineRegistry.Instance);

    private static SearchRequest Parse(string type, params (string Name, string Value)[] parameters)
        => Parser.Parse(type, parameters.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)), strict: true);

    private static void TooCostly(Action parse)
    {
        var error = Assert.Throws<FhirException>(parse);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.Status);
        Assert.Equal(OperationOutcome.IssueType.TooCostly, error.Outcome.Issue[0].Code);
    }

    [Fact]
    public void A_hundred_criteria_are_taken_and_one_more_is_refused()
    {
        var hundred = Enumerable.Range(0, SearchParser.MaxCriteria).Select(i => ("code:not", $"c{i}")).ToArray();
        Assert.Equal(SearchParser.MaxCriteria, Parse("Observation", hundred).Query.Criteria.Count);
        TooCostly(() => Parse("Observation", [.. hundred, ("status", "final")]));
    }

    [Fact]
    public void Six_links_are_taken_and_a_seventh_is_refused()
    {
        string Chain(int links) => "subject:Patient.organization" + string.Concat(Enumerable.Repeat(".partof", links - 2)) + ".name";
        Assert.Single(Parse("Observation", (Chain(SearchParser.MaxLinks), "x")).Query.Criteria);
        TooCostly(() => Parse("Observation", (Chain(SearchParser.MaxLinks + 1), "x")));
        string Has(int levels) => string.Concat(Enumerable.Repeat("_has:Organization:partof:", levels)) + "name";
        Assert.Single(Parse("Organization", (Has(SearchParser.MaxLinks), "x")).Query.Criteria);
        TooCostly(() => Parse("Organization", (Has(SearchParser.MaxLinks + 1), "x")));
    }

    [Fact]
    public void A_repeated_include_runs_once_and_twenty_different_ones_are_the_most()
    {
        var repeated = Parse("Patient", ("_revinclude", "Observation:subject"), ("_revinclude", "Observation:subject"), ("_include", "Patient:organization"));
        Assert.Single(repeated.RevIncludes);
        Assert.Single(repeated.Includes);
        Assert.Equal(2, repeated.EchoParameters.Count(e => e.Key.StartsWith('_')));
        string[] includes = [.. new[] { "subject", "patient", "performer", "encounter", "specimen", "device", "focus", "has-member", "derived-from", "part-of", "based-on" }
                .Select(p => $"Observation:{p}"),
            .. new[] { "subject", "patient", "encounter", "asserter" }.Select(p => $"Condition:{p}"),
            .. new[] { "subject", "patient", "practitioner", "participant", "location", "service-provider", "episode-of-care" }.Select(p => $"Encounter:{p}")];
        Assert.Equal(20, Parse("Observation", [.. includes.Take(20).Select(i => ("_include", i))]).Includes.Count);
        TooCostly(() => Parse("Observation", [.. includes.Select(i => ("_include", i))]));
    }
}
