using System.Net;
using System.Text.Json.Nodes;

namespace FhirTrial.Server.Tests;

/// <summary>Every REST interaction of the contract, through the real pipeline.</summary>
[Collection(ServerCollection.Name)]
public sealed class RestInteractionTests(FhirServerFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    private static string NewPatient(string family = "Zhang", string mrn = "") => $$"""
        {"resourceType":"Patient","identifier":[{"system":"http://renji.example.org/mrn","value":"{{(mrn == "" ? Guid.NewGuid().ToString("N") : mrn)}}"}],
         "name":[{"family":"{{family}}","given":["Wei"]}],"gender":"male","birthDate":"1960-05-01"}
        """;

    private async Task<(string Id, HttpResponseMessage Response)> CreateAsync(string json)
    {
        var response = await _client.PostAsync("/fhir/Patient", Http.Json(json));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return ((string)(await response.BodyAsync())["id"]!, response);
    }

    [Fact]
    public async Task Metadata_is_a_CapabilityStatement_listing_resources_and_search_parameters()
    {
        var body = await (await _client.GetAsync("/fhir/metadata")).BodyAsync();
        Assert.Equal("CapabilityStatement", (string)body["resourceType"]!);
        var patient = body["rest"]![0]!["resource"]!.AsArray().Single(r => (string)r!["type"]! == "Patient")!;
        Assert.Contains(patient["searchParam"]!.AsArray(), p => (string)p!["name"]! == "birthdate");
        Assert.Contains(body["rest"]![0]!["interaction"]!.AsArray(), i => (string)i!["code"]! == "transaction");
    }

    [Fact]
    public async Task Create_answers_201_with_location_etag_and_the_stored_resource()
    {
        var (id, response) = await CreateAsync(NewPatient());
        Assert.Equal("W/\"1\"", response.Headers.ETag!.ToString());
        Assert.EndsWith($"/fhir/Patient/{id}/_history/1", response.Headers.Location!.ToString());
        Assert.NotNull(response.Content.Headers.LastModified);
        var read = await _client.GetAsync($"/fhir/Patient/{id}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("1", (string)(await read.BodyAsync())["meta"]!["versionId"]!);
    }

    [Fact]
    public async Task Update_makes_a_new_version_and_vread_returns_each()
    {
        var (id, _) = await CreateAsync(NewPatient("Li"));
        var updated = await _client.PutAsync($"/fhir/Patient/{id}", Http.Json(NewPatient("Wang").Replace("{\"resourceType\":\"Patient\",", $"{{\"resourceType\":\"Patient\",\"id\":\"{id}\",")));
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("W/\"2\"", updated.Headers.ETag!.ToString());
        var v1 = await (await _client.GetAsync($"/fhir/Patient/{id}/_history/1")).BodyAsync();
        var v2 = await (await _client.GetAsync($"/fhir/Patient/{id}/_history/2")).BodyAsync();
        Assert.Equal("Li", (string)v1["name"]![0]!["family"]!);
        Assert.Equal("Wang", (string)v2["name"]![0]!["family"]!);
        var history = await (await _client.GetAsync($"/fhir/Patient/{id}/_history")).BodyAsync();
        Assert.Equal(2, (int)history["total"]!);
    }

    [Fact]
    public async Task Update_as_create_answers_201()
    {
        var id = "p-" + Guid.NewGuid().ToString("N")[..12];
        var response = await _client.PutAsync($"/fhir/Patient/{id}", Http.Json(NewPatient().Replace("{\"resourceType\":\"Patient\",", $"{{\"resourceType\":\"Patient\",\"id\":\"{id}\",")));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task If_Match_with_a_stale_version_is_412_and_changes_nothing()
    {
        var (id, _) = await CreateAsync(NewPatient("Chen"));
        var body = NewPatient("Zhou").Replace("{\"resourceType\":\"Patient\",", $"{{\"resourceType\":\"Patient\",\"id\":\"{id}\",");
        var request = Http.Request(HttpMethod.Put, $"/fhir/Patient/{id}", Http.Json(body)).With("If-Match", "W/\"7\"");
        var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal("OperationOutcome", (string)(await response.BodyAsync())["resourceType"]!);
        Assert.Equal("Chen", (string)(await (await _client.GetAsync($"/fhir/Patient/{id}")).BodyAsync())["name"]![0]!["family"]!);
    }

    [Fact]
    public async Task Delete_is_soft_read_then_answers_410_and_history_keeps_the_versions()
    {
        var (id, _) = await CreateAsync(NewPatient());
        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"/fhir/Patient/{id}")).StatusCode);
        var gone = await _client.GetAsync($"/fhir/Patient/{id}");
        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        Assert.Equal("OperationOutcome", (string)(await gone.BodyAsync())["resourceType"]!);
        var history = await (await _client.GetAsync($"/fhir/Patient/{id}/_history")).BodyAsync();
        Assert.Equal(2, (int)history["total"]!);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"/fhir/Patient/{id}/_history/1")).StatusCode);
    }

    [Fact]
    public async Task Json_patch_changes_the_resource()
    {
        var (id, _) = await CreateAsync(NewPatient("Sun"));
        var patch = Http.Json("""[{"op":"replace","path":"/gender","value":"female"},{"op":"add","path":"/active","value":true}]""", "application/json-patch+json");
        var response = await _client.PatchAsync($"/fhir/Patient/{id}", patch);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.BodyAsync();
        Assert.Equal("female", (string)body["gender"]!);
        Assert.True((bool)body["active"]!);
        Assert.Equal("2", (string)body["meta"]!["versionId"]!);
    }

    [Fact]
    public async Task Conditional_create_returns_the_existing_match()
    {
        var mrn = Guid.NewGuid().ToString("N");
        var first = await _client.SendAsync(Http.Request(HttpMethod.Post, "/fhir/Patient", Http.Json(NewPatient(mrn: mrn)))
            .With("If-None-Exist", $"identifier=http://renji.example.org/mrn|{mrn}"));
        var second = await _client.SendAsync(Http.Request(HttpMethod.Post, "/fhir/Patient", Http.Json(NewPatient(mrn: mrn)))
            .With("If-None-Exist", $"identifier=http://renji.example.org/mrn|{mrn}"));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal((string)(await first.BodyAsync())["id"]!, (string)(await second.BodyAsync())["id"]!);
        var search = await (await _client.GetAsync($"/fhir/Patient?identifier={mrn}")).BodyAsync();
        Assert.Equal(1, (int)search["total"]!);
    }

    [Fact]
    public async Task Conditional_update_and_delete_find_their_target_by_search()
    {
        var mrn = Guid.NewGuid().ToString("N");
        var created = await _client.PutAsync($"/fhir/Patient?identifier={mrn}", Http.Json(NewPatient("Gao", mrn)));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var updated = await _client.PutAsync($"/fhir/Patient?identifier={mrn}", Http.Json(NewPatient("Hu", mrn)));
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal((string)(await created.BodyAsync())["id"]!, (string)(await updated.BodyAsync())["id"]!);
        Assert.Equal(HttpStatusCode.OK, (await _client.DeleteAsync($"/fhir/Patient?identifier={mrn}")).StatusCode);
        Assert.Equal(0, (int)(await (await _client.GetAsync($"/fhir/Patient?identifier={mrn}")).BodyAsync())["total"]!);
    }

    [Fact]
    public async Task Conditional_update_onto_an_existing_id_that_does_not_match_is_409()
    {
        var (id, _) = await CreateAsync(NewPatient());
        var body = NewPatient().Replace("{\"resourceType\":\"Patient\",", $"{{\"resourceType\":\"Patient\",\"id\":\"{id}\",");
        var response = await _client.PutAsync($"/fhir/Patient?identifier=no-such-{Guid.NewGuid():N}", Http.Json(body));
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Theory]
    [InlineData("return=minimal", false, null)]
    [InlineData("return=representation", true, "Patient")]
    [InlineData("return=OperationOutcome", true, "OperationOutcome")]
    public async Task Prefer_return_shapes_the_answer(string prefer, bool hasBody, string? resourceType)
    {
        var response = await _client.SendAsync(Http.Request(HttpMethod.Post, "/fhir/Patient", Http.Json(NewPatient())).With("Prefer", prefer));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(hasBody, text.Length > 0);
        if (resourceType is not null) Assert.Equal(resourceType, (string)JsonNode.Parse(text)!["resourceType"]!);
    }

    [Fact]
    public async Task Xml_goes_in_and_comes_out()
    {
        var xml = """<Patient xmlns="http://hl7.org/fhir"><name><family value="Xu"/></name><gender value="male"/></Patient>""";
        var created = await _client.PostAsync("/fhir/Patient", new StringContent(xml, System.Text.Encoding.UTF8, "application/fhir+xml"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var location = created.Headers.Location!.ToString();
        var id = location.Split("/Patient/")[1].Split('/')[0];
        var read = await _client.SendAsync(Http.Request(HttpMethod.Get, $"/fhir/Patient/{id}").With("Accept", "application/fhir+xml"));
        Assert.StartsWith("application/fhir+xml", read.Content.Headers.ContentType!.ToString());
        Assert.Contains("<family value=\"Xu\" />", (await read.Content.ReadAsStringAsync()).Replace("\"/>", "\" />"));
    }

    [Fact]
    public async Task Search_by_get_and_by_post_agree_and_page_with_next_links()
    {
        var family = "Pager" + Guid.NewGuid().ToString("N")[..6];
        for (int i = 0; i < 5; i++) await CreateAsync(NewPatient(family));
        var byGet = await (await _client.GetAsync($"/fhir/Patient?family={family}&_count=2")).BodyAsync();
        Assert.Equal(5, (int)byGet["total"]!);
        Assert.Equal(2, byGet["entry"]!.AsArray().Count);
        var seen = new HashSet<string>();
        JsonObject? page = byGet;
        while (page is not null)
        {
            foreach (var e in page["entry"]?.AsArray() ?? []) Assert.True(seen.Add((string)e!["resource"]!["id"]!));
            var next = page["link"]!.AsArray().FirstOrDefault(l => (string)l!["relation"]! == "next");
            page = next is null ? null : await (await _client.GetAsync(new Uri((string)next["url"]!).PathAndQuery)).BodyAsync();
        }
        Assert.Equal(5, seen.Count);
        var byPost = await (await _client.PostAsync("/fhir/Patient/_search",
            new FormUrlEncodedContent([new("family", family)]))).BodyAsync();
        Assert.Equal(5, (int)byPost["total"]!);
    }

    [Fact]
    public async Task Unknown_search_parameter_is_ignored_leniently_and_refused_strictly()
    {
        var lenient = await _client.GetAsync("/fhir/Patient?not-a-parameter=1");
        Assert.Equal(HttpStatusCode.OK, lenient.StatusCode);
        var strict = await _client.SendAsync(Http.Request(HttpMethod.Get, "/fhir/Patient?not-a-parameter=1").With("Prefer", "handling=strict"));
        Assert.Equal(HttpStatusCode.BadRequest, strict.StatusCode);
        Assert.Equal("OperationOutcome", (string)(await strict.BodyAsync())["resourceType"]!);
    }

    [Fact]
    public async Task Transaction_rewrites_urn_uuid_references_and_answers_locations()
    {
        var bundle = """
            {"resourceType":"Bundle","type":"transaction","entry":[
             {"fullUrl":"urn:uuid:6a0e1e1e-0000-4000-8000-000000000001","resource":{"resourceType":"Patient","name":[{"family":"Tx"}]},"request":{"method":"POST","url":"Patient"}},
             {"fullUrl":"urn:uuid:6a0e1e1e-0000-4000-8000-000000000002","resource":{"resourceType":"Observation","status":"final","code":{"text":"w"},
               "subject":{"reference":"urn:uuid:6a0e1e1e-0000-4000-8000-000000000001"}},"request":{"method":"POST","url":"Observation"}}]}
            """;
        var response = await _client.PostAsync("/fhir", Http.Json(bundle));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.BodyAsync();
        Assert.Equal("transaction-response", (string)body["type"]!);
        var patient = ((string)body["entry"]![0]!["response"]!["location"]!).Split("/_history")[0];
        var observation = ((string)body["entry"]![1]!["response"]!["location"]!).Split("/_history")[0];
        var stored = await (await _client.GetAsync($"/fhir/{observation}")).BodyAsync();
        Assert.Equal(patient, (string)stored["subject"]!["reference"]!);
    }

    [Fact]
    public async Task A_failing_transaction_leaves_nothing_behind()
    {
        var family = "Atomic" + Guid.NewGuid().ToString("N")[..6];
        var bundle = $$$"""
            {"resourceType":"Bundle","type":"transaction","entry":[
             {"resource":{"resourceType":"Patient","name":[{"family":"{{{family}}}"}]},"request":{"method":"POST","url":"Patient"}},
             {"resource":{"resourceType":"Patient","id":"x1","name":[{"family":"{{{family}}}"}]},"request":{"method":"PUT","url":"Patient/x1"},
              "fullUrl":"Patient/x1"},
             {"request":{"method":"DELETE","url":"Patient?identifier=a"}},
             {"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"urn:uuid:00000000-0000-4000-8000-00000000dead"}},
              "request":{"method":"POST","url":"Observation"}}]}
            """;
        var response = await _client.PostAsync("/fhir", Http.Json(bundle));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("OperationOutcome", (string)(await response.BodyAsync())["resourceType"]!);
        Assert.Equal(0, (int)(await (await _client.GetAsync($"/fhir/Patient?family={family}")).BodyAsync())["total"]!);
    }

    [Fact]
    public async Task Batch_entries_succeed_or_fail_on_their_own()
    {
        var bundle = """
            {"resourceType":"Bundle","type":"batch","entry":[
             {"resource":{"resourceType":"Patient","name":[{"family":"Batch"}]},"request":{"method":"POST","url":"Patient"}},
             {"request":{"method":"GET","url":"Patient/does-not-exist"}}]}
            """;
        var body = await (await _client.PostAsync("/fhir", Http.Json(bundle))).BodyAsync();
        Assert.Equal("batch-response", (string)body["type"]!);
        Assert.StartsWith("201", (string)body["entry"]![0]!["response"]!["status"]!);
        Assert.StartsWith("404", (string)body["entry"]![1]!["response"]!["status"]!);
    }

    [Fact]
    public async Task Everything_returns_the_patient_and_its_compartment()
    {
        var (id, _) = await CreateAsync(NewPatient());
        await _client.PostAsync("/fhir/Observation", Http.Json($$$"""{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/{{{id}}}"}}"""));
        var body = await (await _client.GetAsync($"/fhir/Patient/{id}/$everything")).BodyAsync();
        var types = body["entry"]!.AsArray().Select(e => (string)e!["resource"]!["resourceType"]!).ToList();
        Assert.Contains("Patient", types);
        Assert.Contains("Observation", types);
    }

    [Fact]
    public async Task Type_and_system_history_list_changes()
    {
        await CreateAsync(NewPatient());
        Assert.True((int)(await (await _client.GetAsync("/fhir/Patient/_history")).BodyAsync())["total"]! >= 1);
        Assert.True((int)(await (await _client.GetAsync("/fhir/_history")).BodyAsync())["total"]! >= 1);
    }
}
