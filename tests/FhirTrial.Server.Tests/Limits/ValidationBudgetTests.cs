using FhirTrial.Tests.Shared;
using System.Net;
using FhirTrial.Fhir.Validation;
using Microsoft.Extensions.DependencyInjection;

namespace FhirTrial.Server.Tests.Limits;

/// <summary>A validation over its budget answers 422 too-costly at once, and gives its validator slot back.</summary>
/// <remarks>The shared server's budget is lowered to one second for each test (tests of a collection run one at a time).</remarks>
[Collection(ServerCollection.Name)]
public sealed class ValidationBudgetTests(FhirServerFactory factory) : IDisposable
{
    private readonly HttpClient _client = factory.CreateClient();
    private readonly ProfileValidationService _validation = factory.Services.GetRequiredService<ProfileValidationService>();
    private readonly TimeSpan? _configured = SetBudget(factory, TimeSpan.FromSeconds(1));

    private static TimeSpan? SetBudget(FhirServerFactory factory, TimeSpan budget)
    {
        var validation = factory.Services.GetRequiredService<ProfileValidationService>();
        var configured = validation.Budget;
        validation.Budget = budget;
        return configured;
    }

    public void Dispose() => _validation.Budget = _configured;

    [Fact]
    public async Task A_validation_over_its_budget_is_stopped_and_the_validator_slots_come_back()
    {
        // 200 extensions nested 60 deep take the validator several seconds (schema compilation aside).
        var costly = HostileBodies.NestedExtensionsXml(60, siblings: 200);
        for (var i = 0; i < Environment.ProcessorCount + 1; i++)
        {
            var response = await _client.PostAsync("/fhir/Patient/$validate", HostileBodies.Xml(costly));
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            var issue = (await response.BodyAsync())["issue"]![0]!;
            Assert.Equal("too-costly", (string)issue["code"]!);
            Assert.Contains("Limits:ValidationSeconds", (string)issue["diagnostics"]!);
        }
        // Every slot was given back: as many cheap validations as there are cores, at once, all answered.
        var cheap = await Task.WhenAll(Enumerable.Range(0, Environment.ProcessorCount + 1).Select(_ =>
            _client.PostAsync("/fhir/Patient/$validate", Http.Json("""{"resourceType":"Patient","active":true}"""))));
        foreach (var answer in cheap)
            Assert.True(answer.StatusCode == HttpStatusCode.OK, await answer.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_write_whose_validation_is_over_budget_is_refused_and_stores_nothing()
    {
        var observation = HostileBodies.NestedExtensionsXml(60, "Observation", siblings: 200,
            before: "<id value=\"over-budget\"/><meta><profile value=\"http://fhirtrial.example.org/fhir/StructureDefinition/recist-target-measurement\"/></meta>",
            after: "<status value=\"final\"/><code><text value=\"lesion\"/></code>");
        var response = await _client.PutAsync("/fhir/Observation/over-budget", HostileBodies.Xml(observation));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("too-costly", (string)(await response.BodyAsync())["issue"]![0]!["code"]!);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/fhir/Observation/over-budget")).StatusCode);
    }
}
