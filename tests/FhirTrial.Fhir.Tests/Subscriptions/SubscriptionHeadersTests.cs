using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Subscriptions;

namespace FhirTrial.Fhir.Tests.Subscriptions;

public sealed class SubscriptionHeadersTests
{
    private static string Body(string endpoint, params string[] headers)
        => $$$"""{"resourceType":"Subscription","status":"active","criteria":"Patient?","channel":{"type":"rest-hook","endpoint":"{{{endpoint}}}","header":[{{{string.Join(",", headers.Select(h => $"\"{h}\""))}}}]}}""";

    [Fact]
    public void Every_value_is_withheld_and_every_name_kept()
    {
        var shown = SubscriptionHeaders.Withhold(Body("https://a.example/hook", "Authorization: Bearer s3cret", "X-Api-Key:k1"));
        Assert.Equal(Body("https://a.example/hook", "Authorization: [withheld]", "X-Api-Key: [withheld]"), shown);
    }

    [Fact]
    public void A_body_without_headers_is_returned_as_it_is()
    {
        const string json = """{"resourceType":"Subscription","status":"off","channel":{"type":"websocket"}}""";
        Assert.Same(json, SubscriptionHeaders.Withhold(json));
        Assert.Same(json, SubscriptionHeaders.Restore(json, null));
    }

    [Fact]
    public void Withheld_headers_take_the_stored_value_by_name_in_any_case_and_new_values_stand()
    {
        var stored = Body("https://a.example/hook", "Authorization: Bearer s3cret", "X-Api-Key: k1");
        var sent = Body("https://a.example/hook", "authorization: [withheld]", "X-Api-Key: k2");
        Assert.Equal(Body("https://a.example/hook", "Authorization: Bearer s3cret", "X-Api-Key: k2"), SubscriptionHeaders.Restore(sent, stored));
    }

    [Theory]
    [InlineData("https://b.example/hook", "Authorization: Bearer s3cret", "channel.endpoint changed")]
    [InlineData("https://a.example/hook", "X-Other: v", "no value is stored under that name")]
    [InlineData("https://a.example/hook", "Authorization: [withheld]", "no value is stored under that name")]
    public void A_withheld_header_without_a_value_for_the_same_endpoint_is_refused(string endpoint, string storedHeader, string why)
    {
        var stored = Body("https://a.example/hook", storedHeader);
        var error = Assert.Throws<FhirException>(() => SubscriptionHeaders.Restore(Body(endpoint, "Authorization: [withheld]"), stored));
        Assert.Contains(why, error.Message);
        Assert.Throws<FhirException>(() => SubscriptionHeaders.Restore(Body(endpoint, "Authorization: [withheld]"), null));
    }
}
