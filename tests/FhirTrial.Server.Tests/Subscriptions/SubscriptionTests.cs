using System.Net;
using System.Text.Json.Nodes;
using FhirTrial.Fhir.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FhirTrial.Server.Tests.Subscriptions;

/// <summary>R4 rest-hook subscriptions over HTTP, in developer mode (loopback endpoints allowed), against a local endpoint.</summary>
[Collection(ServerCollection.Name)]
public sealed class SubscriptionTests(FhirServerFactory factory) : IAsyncLifetime
{
    private const string Serious = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness";
    private const string SeriousCriteria = $"AdverseEvent?seriousness={Serious}|serious";

    private readonly NotificationReceiver _receiver = new();
    private readonly List<string> _created = [];

    /// <summary>Every subscription a test made is turned off, so that no later test's writes (the fuzzing's among them,
    /// which counts versions) set off deliveries to an endpoint that is gone.</summary>
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        using var http = factory.CreateClient();
        foreach (var id in _created)
        {
            var current = await http.GetAsync($"/fhir/Subscription/{id}");
            if (current.StatusCode != HttpStatusCode.OK) continue;
            var body = await current.BodyAsync();
            if ((string?)body["status"] is "off" or "error") continue;
            body["status"] = "off";
            await http.PutAsync($"/fhir/Subscription/{id}", Http.Json(body));
        }
        _receiver.Dispose();
    }

    public static string Subscription(string criteria, string endpoint, string status = "requested", string? header = null)
    {
        var json = new JsonObject
        {
            ["resourceType"] = "Subscription",
            ["status"] = status,
            ["reason"] = "tell the sponsor",
            ["criteria"] = criteria,
            ["channel"] = new JsonObject
            {
                ["type"] = "rest-hook",
                ["endpoint"] = endpoint,
                ["payload"] = "application/fhir+json",
            },
        };
        if (header is not null) json["channel"]!["header"] = new JsonArray(header);
        return json.ToJsonString();
    }

    public static string AdverseEvent(string patient, string seriousness) => new JsonObject
    {
        ["resourceType"] = "AdverseEvent",
        ["actuality"] = "actual",
        ["subject"] = new JsonObject { ["reference"] = $"Patient/{patient}" },
        ["date"] = "2026-03-02",
        ["seriousness"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = Serious, ["code"] = seriousness }) },
    }.ToJsonString();

    private async Task<JsonObject> CreateAsync(HttpClient http, string type, string json)
    {
        var response = await http.PostAsync($"/fhir/{type}", Http.Json(json));
        var body = await response.BodyAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{type}: {(int)response.StatusCode} {body}");
        if (type == "Subscription") _created.Add((string)body["id"]!);
        return body;
    }

    /// <summary>The notification's events-since-subscription-start and event-number (Backport IG).</summary>
    private static string EventNumbers(JsonNode bundle)
    {
        var parameters = bundle["entry"]![0]!["resource"]!["parameter"]!.AsArray();
        var since = (string)parameters.First(p => (string)p!["name"]! == "events-since-subscription-start")!["valueString"]!;
        var @event = parameters.First(p => (string)p!["name"]! == "notification-event")!["part"]!.AsArray();
        return $"{since}/{(string)@event.First(p => (string)p!["name"]! == "event-number")!["valueString"]!}";
    }

    private async Task<string> PatientAsync(HttpClient http)
        => (string)(await CreateAsync(http, "Patient", """{"resourceType":"Patient","gender":"female"}"""))["id"]!;

    [Fact]
    public async Task A_sponsor_hears_of_a_serious_adverse_event_within_seconds()
    {
        using var http = factory.CreateClient();
        var subscription = await CreateAsync(http, "Subscription", Subscription(SeriousCriteria, _receiver.Url("sponsor"), header: "Authorization: Bearer sponsor-secret"));
        Assert.Equal("active", (string)subscription["status"]!);
        var patient = await PatientAsync(http);

        await CreateAsync(http, "AdverseEvent", AdverseEvent(patient, "non-serious"));
        var serious = await CreateAsync(http, "AdverseEvent", AdverseEvent(patient, "serious"));
        var started = DateTimeOffset.UtcNow;

        var notification = Assert.Single(await _receiver.WaitForAsync("sponsor", seconds: 5));
        Assert.True(notification.At - started < TimeSpan.FromSeconds(5));
        Assert.StartsWith("application/fhir+json", notification.ContentType);
        Assert.Equal("Bearer sponsor-secret", notification.Authorization);
        var bundle = notification.Body;
        Assert.Equal(("Bundle", "history"), ((string)bundle["resourceType"]!, (string)bundle["type"]!));
        var status = bundle["entry"]![0]!["resource"]!;
        Assert.Equal("Parameters", (string)status["resourceType"]!);
        Assert.Contains("backport-subscription-status-r4", status["meta"]!["profile"]![0]!.ToString());
        var parameters = status["parameter"]!.AsArray();
        Assert.EndsWith($"Subscription/{subscription["id"]}", (string)parameters.First(p => (string)p!["name"]! == "subscription")!["valueReference"]!["reference"]!);
        Assert.Equal("event-notification", (string)parameters.First(p => (string)p!["name"]! == "type")!["valueCode"]!);
        var resource = bundle["entry"]![1]!["resource"]!;
        Assert.Equal(((string)serious["id"]!, "serious"), ((string)resource["id"]!, (string)resource["seriousness"]!["coding"]![0]!["code"]!));
        Assert.Equal("POST", (string)bundle["entry"]![1]!["request"]!["method"]!);

        // the delivery is audited (written once the endpoint's answer is in, so just after the receiver saw it)
        var audited = false;
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); !audited && waited.Elapsed < TimeSpan.FromSeconds(5); await Task.Delay(50))
        {
            var audits = await http.GetAsync($"/fhir/AuditEvent?entity=Subscription/{subscription["id"]}");
            var entries = (await audits.BodyAsync())["entry"]?.AsArray() ?? [];
            audited = entries.Any(e => ((string?)e!["resource"]!["outcomeDesc"])?.StartsWith("delivered to") == true);
        }
        Assert.True(audited, "no AuditEvent says the notification was delivered");

        // an update that still matches is heard of too; the non-serious event never was
        serious["outcome"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject
        {
            ["system"] = "http://terminology.hl7.org/CodeSystem/adverse-event-outcome",
            ["code"] = "ongoing",
        }) };
        Assert.Equal(HttpStatusCode.OK, (await http.PutAsync($"/fhir/AdverseEvent/{serious["id"]}", Http.Json(serious))).StatusCode);
        var both = await _receiver.WaitForAsync("sponsor", count: 2, seconds: 5);
        Assert.Equal("PUT", (string)both[1].Body["entry"]![1]!["request"]!["method"]!);
        // numbered 1, 2 for this subscription alone (other tests' subscriptions hear of the same writes)
        Assert.Equal(["1/1", "2/2"], both.Select(n => EventNumbers(n.Body)));
        await Task.Delay(300);
        Assert.Equal(2, _receiver.At("sponsor").Count);
    }

    [Fact]
    public async Task Header_values_are_never_shown_and_a_write_that_sends_one_back_as_read_keeps_it_for_the_same_endpoint()
    {
        using var http = factory.CreateClient();
        const string secret = "Bearer header-secret-1";
        var created = await CreateAsync(http, "Subscription", Subscription(SeriousCriteria, _receiver.Url("withheld"), header: $"Authorization: {secret}"));
        var id = (string)created["id"]!;
        const string shown = "Authorization: [withheld]";
        Assert.Equal(shown, (string)created["channel"]!["header"]![0]!);

        // read, vread, search, history, an _include: the name is shown, never the value
        foreach (var url in new[] { $"/fhir/Subscription/{id}", $"/fhir/Subscription/{id}/_history/1", $"/fhir/Subscription?_id={id}",
                     $"/fhir/Subscription/{id}/_history", "/fhir/Subscription/_history", $"/fhir/Subscription?_id={id}&_format=xml" })
        {
            var response = await http.GetAsync(url);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {text}");
            Assert.DoesNotContain("header-secret-1", text);
            Assert.Contains("[withheld]", text);
        }

        // the body as read goes back with a change: the stored value is kept, and delivery still sends it
        var read = await (await http.GetAsync($"/fhir/Subscription/{id}")).BodyAsync();
        read["reason"] = "tell the sponsor, again";
        var put = await http.PutAsync($"/fhir/Subscription/{id}", Http.Json(read));
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        Assert.Equal(shown, (string)(await put.BodyAsync())["channel"]!["header"]![0]!);
        await CreateAsync(http, "AdverseEvent", AdverseEvent(await PatientAsync(http), "serious"));
        Assert.Equal(secret, Assert.Single(await _receiver.WaitForAsync("withheld", seconds: 5)).Authorization);

        // sent back as read with another endpoint: the credential is not carried to it
        var moved = read.DeepClone();
        moved["channel"]!["endpoint"] = _receiver.Url("elsewhere");
        var refused = await http.PutAsync($"/fhir/Subscription/{id}", Http.Json(moved));
        var outcome = await refused.Content.ReadAsStringAsync();
        Assert.True(refused.StatusCode == HttpStatusCode.UnprocessableEntity, outcome);
        Assert.Contains("channel.endpoint changed", outcome);
        Assert.Contains("Subscription.channel.header", outcome);

        // a JSON Patch sees the header as a reader does: a test of the value fails, one of the withheld form passes
        var guess = new HttpRequestMessage(HttpMethod.Patch, $"/fhir/Subscription/{id}")
        {
            Content = Http.Json($$"""[{"op":"test","path":"/channel/header/0","value":"Authorization: {{secret}}"}]""", "application/json-patch+json"),
        };
        Assert.NotEqual(HttpStatusCode.OK, (await http.SendAsync(guess)).StatusCode);
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/fhir/Subscription/{id}")
        {
            Content = Http.Json($$"""[{"op":"test","path":"/channel/header/0","value":"{{shown}}"},{"op":"replace","path":"/reason","value":"patched"}]""",
                "application/json-patch+json"),
        };
        var patched = await http.SendAsync(patch);
        Assert.True(patched.StatusCode == HttpStatusCode.OK, await patched.Content.ReadAsStringAsync());
        await CreateAsync(http, "AdverseEvent", AdverseEvent(await PatientAsync(http), "serious"));
        Assert.Equal(secret, (await _receiver.WaitForAsync("withheld", count: 2, seconds: 5))[1].Authorization);

        // a new subscription (alone or in a Bundle) has no stored value to keep
        foreach (var (url, body) in new[]
                 {
                     ("/fhir/Subscription", Subscription(SeriousCriteria, _receiver.Url("withheld"), header: shown)),
                     ("/fhir", $$$"""{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{{{Subscription(SeriousCriteria, _receiver.Url("withheld"), header: shown)}}},"request":{"method":"POST","url":"Subscription"}}]}"""),
                 })
        {
            var response = await http.PostAsync(url, Http.Json(body));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{url}: {(int)response.StatusCode} {text}");
            Assert.Contains("no stored value", text);
        }
    }

    [Fact]
    public async Task A_notification_whose_payload_is_a_subscription_shows_its_headers_withheld()
    {
        using var http = factory.CreateClient();
        await CreateAsync(http, "Subscription", Subscription("Subscription?status=active", _receiver.Url("watcher")));
        var watched = await CreateAsync(http, "Subscription", Subscription(SeriousCriteria, _receiver.Url("watched"), header: "Authorization: Bearer header-secret-2"));

        var notification = (await _receiver.WaitForAsync("watcher", seconds: 5))
            .Single(n => n.Body.ToJsonString().Contains((string)watched["id"]!));
        var payload = notification.Body["entry"]![1]!["resource"]!;
        Assert.Equal("Authorization: [withheld]", (string)payload["channel"]!["header"]![0]!);
        Assert.DoesNotContain("header-secret-2", notification.Body.ToJsonString());
    }

    [Fact]
    public async Task A_notification_too_large_for_the_endpoint_is_sent_without_the_resource_and_the_subscription_stays_active()
    {
        _receiver.MaxBody = 20_000;
        using var http = factory.CreateClient();
        var subscription = await CreateAsync(http, "Subscription", Subscription(SeriousCriteria, _receiver.Url("limited")));
        // any writer the criteria match can make the resource large: here a site's long narrative note
        var large = JsonNode.Parse(AdverseEvent(await PatientAsync(http), "serious"))!.AsObject();
        large["text"] = new JsonObject { ["status"] = "generated", ["div"] = $"<div xmlns=\"http://www.w3.org/1999/xhtml\">{new string('x', 50_000)}</div>" };
        var created = await CreateAsync(http, "AdverseEvent", large.ToJsonString());

        var heard = await _receiver.WaitForAsync("limited", count: 2, seconds: 5);
        Assert.Equal(2, heard[0].Body["entry"]!.AsArray().Count); // with the resource: refused for its size
        var entries = heard[1].Body["entry"]!.AsArray();
        var status = Assert.Single(entries)!["resource"]!["parameter"]!.AsArray();
        var focus = status.First(p => (string)p!["name"]! == "notification-event")!["part"]!.AsArray()
            .First(p => (string)p!["name"]! == "focus")!["valueReference"]!["reference"]!;
        Assert.Contains($"AdverseEvent/{created["id"]}/_history/1", (string)focus!);
        await Task.Delay(500);
        Assert.Equal(2, _receiver.At("limited").Count);
        Assert.Equal("active", (string)(await (await http.GetAsync($"/fhir/Subscription/{subscription["id"]}")).BodyAsync())["status"]!);
    }

    [Fact]
    public async Task A_failing_endpoint_is_retried_with_growing_waits_then_the_subscription_turns_error()
    {
        _receiver.Reply = _ => 503;
        using var http = factory.CreateClient();
        var subscription = await CreateAsync(http, "Subscription", Subscription(SeriousCriteria, _receiver.Url("down")));
        await CreateAsync(http, "AdverseEvent", AdverseEvent(await PatientAsync(http), "serious"));

        // FhirServerFactory: 3 attempts, 0.3 s after the first failure, doubling
        var attempts = await _receiver.WaitForAsync("down", count: 3, seconds: 15);
        var firstWait = attempts[1].At - attempts[0].At;
        var secondWait = attempts[2].At - attempts[1].At;
        Assert.True(firstWait >= TimeSpan.FromMilliseconds(250), $"first retry after {firstWait}");
        Assert.True(secondWait >= TimeSpan.FromMilliseconds(550), $"second retry after {secondWait}");

        JsonObject current = [];
        for (var i = 0; i < 50 && (string?)current["status"] != "error"; i++)
        {
            await Task.Delay(100);
            current = await (await http.GetAsync($"/fhir/Subscription/{subscription["id"]}")).BodyAsync();
        }
        Assert.Equal("error", (string)current["status"]!);
        Assert.Contains("503", (string)current["error"]!);
        var outbox = factory.Services.GetRequiredService<ISubscriptionOutbox>();
        Assert.Empty(await outbox.PendingAsync((string)subscription["id"]!, CancellationToken.None));
        await Task.Delay(800);
        Assert.Equal(3, _receiver.At("down").Count);
    }

    [Theory]
    [InlineData("https://example.org/hook")]
    [InlineData("https://sponsor.example.org.evil.test/hooks/ae")]
    [InlineData("https://user:secret@sponsor.example.org/hooks/ae")]
    [InlineData("ftp://127.0.0.1/hook")]
    [InlineData("not a url")]
    public async Task An_endpoint_off_the_allow_list_is_refused(string endpoint)
    {
        using var http = factory.CreateClient();
        var response = await http.PostAsync("/fhir/Subscription", Http.Json(Subscription(SeriousCriteria, endpoint)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var outcome = await response.BodyAsync();
        Assert.Equal("OperationOutcome", (string)outcome["resourceType"]!);
        Assert.Equal("Subscription.channel.endpoint", (string)outcome["issue"]![0]!["expression"]![0]!);
    }

    [Fact]
    public async Task An_endpoint_under_an_allowed_prefix_is_accepted()
    {
        using var http = factory.CreateClient();
        // criteria that nothing in these tests matches: no notification is ever sent off this machine
        var subscription = await CreateAsync(http, "Subscription", Subscription("Basic?code=urn:test:never|never", "https://sponsor.example.org/hooks/ae"));
        Assert.Equal("active", (string)subscription["status"]!);
        subscription["status"] = "off";
        Assert.Equal(HttpStatusCode.OK, (await http.PutAsync($"/fhir/Subscription/{subscription["id"]}", Http.Json(subscription))).StatusCode);
    }

    [Theory]
    [InlineData("AdverseEvent?nonsense=1", "Subscription.criteria")]
    [InlineData("Nothing?code=1", "Subscription.criteria")]
    [InlineData("AdverseEvent?_sort=date", "Subscription.criteria")]
    public async Task Criteria_the_server_cannot_search_are_refused(string criteria, string expression)
    {
        using var http = factory.CreateClient();
        var response = await http.PostAsync("/fhir/Subscription", Http.Json(Subscription(criteria, _receiver.Url("x"))));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(expression, (string)(await response.BodyAsync())["issue"]![0]!["expression"]![0]!);
    }

    [Theory]
    [InlineData("email")]
    [InlineData("sms")]
    [InlineData("message")]
    public async Task Channels_the_server_does_not_deliver_are_refused(string channel)
    {
        using var http = factory.CreateClient();
        var json = Subscription(SeriousCriteria, _receiver.Url("x")).Replace("rest-hook", channel);
        var response = await http.PostAsync("/fhir/Subscription", Http.Json(json));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("Subscription.channel.type", (string)(await response.BodyAsync())["issue"]![0]!["expression"]![0]!);
    }
}
