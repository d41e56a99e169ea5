using System.Net;

namespace FhirTrial.Server.Tests;

/// <summary>Every fault answers an OperationOutcome with the status the contract names; never a 500 for bad input.</summary>
[Collection(ServerCollection.Name)]
public sealed class ErrorStatusTests(FhirServerFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    public static TheoryData<string, string, string?, string?, HttpStatusCode> Faults => new()
    {
        { "GET", "/fhir/Patient/does-not-exist", null, null, HttpStatusCode.NotFound },
        { "GET", "/fhir/NoSuchType/1", null, null, HttpStatusCode.NotFound },
        { "GET", "/fhir/Patient/x/_history/abc", null, null, HttpStatusCode.NotFound },
        { "POST", "/fhir/Patient", "{not json", null, HttpStatusCode.BadRequest },
        { "POST", "/fhir/Patient", """{"resourceType":"Observation","status":"final","code":{"text":"x"}}""", null, HttpStatusCode.BadRequest },
        { "POST", "/fhir/Patient", """{"resourceType":"Patient","gender":"sometimes"}""", null, HttpStatusCode.BadRequest },
        { "POST", "/fhir/Patient", """{"resourceType":"Patient","unknownElement":1}""", null, HttpStatusCode.BadRequest },
        { "POST", "/fhir/Patient", "", null, HttpStatusCode.BadRequest },
        { "PUT", "/fhir/Patient/abc", """{"resourceType":"Patient","id":"xyz"}""", null, HttpStatusCode.BadRequest },
        { "PUT", "/fhir/Patient/abc", """{"resourceType":"Patient"}""", null, HttpStatusCode.BadRequest },
        { "POST", "/fhir/Patient/abc", """{"resourceType":"Patient"}""", null, HttpStatusCode.MethodNotAllowed },
        { "DELETE", "/fhir/Patient", null, null, HttpStatusCode.MethodNotAllowed },
        { "GET", "/fhir/Patient?birthdate=not-a-date", null, null, HttpStatusCode.BadRequest },
        { "GET", "/fhir/Patient?_count=many", null, null, HttpStatusCode.BadRequest },
        { "GET", "/fhir/Patient?_sort=nonsense", null, null, HttpStatusCode.BadRequest },
        { "GET", "/fhir/Patient?name:below=x", null, null, HttpStatusCode.BadRequest },
        { "GET", "/fhir/Observation?_include=Observation:nonsense", null, null, HttpStatusCode.BadRequest },
        { "POST", "/fhir", """{"resourceType":"Patient"}""", null, HttpStatusCode.BadRequest },
        { "POST", "/fhir", """{"resourceType":"Bundle","type":"collection"}""", null, HttpStatusCode.BadRequest },
        { "POST", "/fhir", """{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Patient"}}]}""", null, HttpStatusCode.BadRequest },
        { "GET", "/fhir/Patient/$no-such-operation", null, null, HttpStatusCode.NotFound },
        { "PATCH", "/fhir/Patient/abc", "[]", "application/json", HttpStatusCode.UnsupportedMediaType },
        { "GET", "/fhir/Patient?_has:Observation:nonsense:code=1", null, null, HttpStatusCode.BadRequest },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Bad_requests_get_an_OperationOutcome_with_the_right_status(string method, string url, string? body, string? contentType, HttpStatusCode expected)
    {
        var request = Http.Request(new HttpMethod(method), url, body is null ? null : Http.Json(body, contentType ?? Http.FhirJson));
        var response = await _client.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("OperationOutcome", (string)(await response.BodyAsync())["resourceType"]!);
    }

    public static TheoryData<string, string, string> WordedFaults => new()
    {
        { "/fhir/Patient", """{"resourceType":"Observation","status":"final","code":{"text":"x"}}""", "The body is an Observation, not a Patient." },
        { "/fhir/Observation", """{"resourceType":"Patient","gender":"male"}""", "The body is a Patient, not an Observation." },
        { "/fhir/Patient", """{"resourceType":"Patient","birthDate":""", "not a valid FHIR JSON resource" },
        { "/fhir/Patient", "{not json", "not a valid FHIR JSON resource" },
        { "/fhir/Patient", """{"resourceType":"Patient","gender":"sometimes"}""", "gender" },
        { "/fhir/Patient", """{"resourceType":"Patient","birthDate":"yesterday"}""", "birthDate" },
        { "/fhir/Patient", """{"resourceType":"Patient","unknownElement":1}""", "unknownElement" },
        { "/fhir", """{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"}},"request":{"method":"POST","url":"Patient"}}]}""", "posts an Observation to Patient" },
    };

    /// <summary>Messages in plain English ("an Observation"), free of .NET reader internals, with FHIRPath that parses.</summary>
    [Theory]
    [MemberData(nameof(WordedFaults))]
    public async Task Error_messages_are_plain_and_their_expressions_are_FHIRPath(string url, string body, string expected)
    {
        var response = await _client.PostAsync(url, Http.Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var outcome = await response.BodyAsync();
        var issues = outcome["issue"]!.AsArray();
        var texts = string.Join(" | ", issues.Select(i => $"{(string?)i!["diagnostics"]} {(string?)i["details"]?["text"]}"));
        Assert.Contains(expected, texts);
        Assert.DoesNotContain("LineNumber", texts);
        Assert.DoesNotContain("BytePositionInLine", texts);
        Assert.DoesNotMatch(@"\ba [AEIOU][a-z]", texts);
        var compiler = new Hl7.FhirPath.FhirPathCompiler();
        foreach (var expression in issues.SelectMany(i => i!["expression"]?.AsArray() ?? []).Select(e => (string)e!))
        {
            var error = Record.Exception(() => compiler.Compile(expression));
            Assert.True(error is null, $"'{expression}' is not FHIRPath: {error?.Message}");
        }
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413()
    {
        var huge = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + new string('a', 5 * 1024 * 1024) + "\"}]}";
        var response = await _client.PostAsync("/fhir/Patient", Http.Json(huge));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("OperationOutcome", (string)(await response.BodyAsync())["resourceType"]!);
    }

    [Fact]
    public async Task Deeply_nested_json_is_refused_not_crashed()
    {
        var deep = "{\"resourceType\":\"Patient\",\"extension\":[" + string.Concat(Enumerable.Repeat("{\"url\":\"x\",\"extension\":[", 300)) + string.Concat(Enumerable.Repeat("]}", 300)) + "]}";
        var response = await _client.PostAsync("/fhir/Patient", Http.Json(deep));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Xml_with_a_misspelt_attribute_is_400_not_500()
    {
        // found by the fuzz run: Firely's XML parser throws NotSupportedException on an unknown attribute
        var xml = """<Observation xmlns="http://hl7.org/fhir"><status value="final"/><code><coding><system vaLue="http://loinc.org"/></coding></code></Observation>""";
        var response = await _client.PostAsync("/fhir/Observation", new StringContent(xml, System.Text.Encoding.UTF8, "application/fhir+xml"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Xml_with_an_external_entity_is_refused()
    {
        var xml = """<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]><Patient xmlns="http://hl7.org/fhir"><name><family value="&x;"/></name></Patient>""";
        var response = await _client.PostAsync("/fhir/Patient", new StringContent(xml, System.Text.Encoding.UTF8, "application/fhir+xml"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
