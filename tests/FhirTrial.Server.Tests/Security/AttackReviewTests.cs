using System.Diagnostics;
using System.Net;
using System.Text;

namespace FhirTrial.Server.Tests.Security;

/// <summary>Attacks found by the security review of the sixth session, each as it was tried; each comment says what the hole was.</summary>
[Collection(SecuredServerCollection.Name)]
public sealed class AttackReviewTests(SecuredServerFactory factory)
{
    private static string WithMember(string id, string member) => StudyData.Observation(id, "renji-p1")
        .Replace("\"status\"", $"\"hasMember\":[{{\"reference\":\"{member}\"}}],\"status\"");

    // Was: a write naming another site's resource is refused 403 "outside what the client may see", one naming a missing
    // resource 422 "does not exist": any site learns which ids exist at the other sites (Patient/zs-... enrolled there).
    [Theory]
    [InlineData("Observation/zs-o1", "Observation/nobody-here")]
    [InlineData("Observation/zs-o1/_history/1", "Observation/nobody-here/_history/1")]
    [InlineData("ResearchSubject/zs-rs1", "ResearchSubject/nobody-here")]
    public async Task A_reference_to_another_sites_resource_answers_as_one_to_a_missing_resource(string foreign, string missing)
    {
        await StudyData.SeedAsync(factory);
        using var renji = await factory.ClientForAsync("renji");
        var id = "ref-oracle-" + Guid.NewGuid().ToString("N")[..8];
        var toForeign = await renji.PutAsync($"/fhir/Observation/{id}", Http.Json(WithMember(id, foreign)));
        var toMissing = await renji.PutAsync($"/fhir/Observation/{id}", Http.Json(WithMember(id, missing)));
        var foreignText = (await toForeign.Content.ReadAsStringAsync()).Replace(foreign.Split('/')[1], "X");
        var missingText = (await toMissing.Content.ReadAsStringAsync()).Replace(missing.Split('/')[1], "X");
        Assert.Equal(toMissing.StatusCode, toForeign.StatusCode);
        Assert.Equal(missingText, foreignText);

        // the same through a transaction entry
        static string Tx(string member) => """
            {"resourceType":"Bundle","type":"transaction","entry":[{"resource":@r,"request":{"method":"POST","url":"Observation"}}]}
            """.Replace("@r", WithMember("x", member).Replace("\"id\":\"x\",", ""));
        var txForeign = await renji.PostAsync("/fhir", Http.Json(Tx(foreign)));
        var txMissing = await renji.PostAsync("/fhir", Http.Json(Tx(missing)));
        Assert.Equal(txMissing.StatusCode, txForeign.StatusCode);
    }

    // Was: the same oracle for patients: an Observation for zs-p1 is refused 403 "may not reference Patient/zs-p1", one
    // for an unknown patient 422 "does not exist on this server": a site can test which patient ids are enrolled elsewhere.
    [Fact]
    public async Task Data_for_another_sites_patient_is_refused_as_for_a_patient_that_does_not_exist()
    {
        await StudyData.SeedAsync(factory);
        using var renji = await factory.ClientForAsync("renji");
        var foreign = await renji.PostAsync("/fhir/Observation", Http.Json(StudyData.Observation(null, "zs-p1")));
        var missing = await renji.PostAsync("/fhir/Observation", Http.Json(StudyData.Observation(null, "nobody-p1")));
        Assert.Equal(missing.StatusCode, foreign.StatusCode);
        Assert.Equal((await missing.Content.ReadAsStringAsync()).Replace("nobody-p1", "X"),
            (await foreign.Content.ReadAsStringAsync()).Replace("zs-p1", "X"));
    }

    // Was: a token with read-by-id on Patient (system/Patient.r) but no search (.s) is refused GET /fhir/Patient (403),
    // yet the system-level search and history list every Patient it may read: the 's' permission is bypassed by the
    // type-less routes (and by chains: Observation?subject:Patient.identifier=... searches Patients too).
    [Theory]
    [InlineData("/fhir?_count=1000")]
    [InlineData("/fhir?_type=Patient&_count=1000")]
    [InlineData("/fhir/_history?_count=1000")]
    public async Task Read_by_id_on_a_type_does_not_let_a_client_list_it_through_system_search_or_history(string url)
    {
        await StudyData.SeedAsync(factory);
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", await factory.TokenAsync("researcher", "system/Patient.r system/Observation.rs"));
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/fhir/Patient")).StatusCode);
        var response = await client.GetAsync(url);
        if (response.StatusCode == HttpStatusCode.Forbidden) return;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(StudyData.Ids(await response.BodyAsync()), id => id.StartsWith("Patient/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_chain_into_a_type_the_token_may_only_read_by_id_finds_nothing_through_it()
    {
        await StudyData.SeedAsync(factory);
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", await factory.TokenAsync("researcher", "system/Patient.r system/Observation.rs"));
        var plain = await client.GetAsync("/fhir/Observation?subject=Patient/renji-p1");
        Assert.NotEmpty(StudyData.Ids(await plain.BodyAsync()));
        var chained = await client.GetAsync("/fhir/Observation?subject:Patient.identifier=renji-mrn-1");
        Assert.Equal(HttpStatusCode.OK, chained.StatusCode);
        Assert.Empty(StudyData.Ids(await chained.BodyAsync()));
    }

    // Was (high): a Subscription's criteria are parsed when it is written but first run inside every later write
    // transaction of their type. One POST of a websocket Subscription (no endpoint needed, any role with Subscription.c, a
    // site included) whose criteria the database cannot run makes every later write of that type fail with 500, for every
    // client and every site, single writes and Bundles alike, until an admin deletes the Subscription. Own server: the
    // shared one would stop taking Observations.
    [Fact]
    public async Task A_subscription_whose_criteria_cannot_run_never_blocks_other_clients_writes()
    {
        using var own = new SecuredServerFactory();
        await StudyData.SeedAsync(own);
        using var renji = await own.ClientForAsync("renji");
        var criteria = "Observation?subject:Patient.organization" + string.Concat(Enumerable.Repeat(".partof", 20)) + ".name=x";
        var subscription = """{"resourceType":"Subscription","status":"requested","reason":"r","criteria":"@c","channel":{"type":"websocket"}}"""
            .Replace("@c", criteria);
        var accepted = await renji.PostAsync("/fhir/Subscription", Http.Json(subscription));
        // refused up front: criteria are bounded (two links, ten conditions) far below what the database could not run
        Assert.Equal(HttpStatusCode.UnprocessableEntity, accepted.StatusCode);

        using var zhongshan = await own.ClientForAsync("zhongshan");
        var single = await zhongshan.PostAsync("/fhir/Observation", Http.Json(StudyData.Observation(null, "zs-p1")));
        Assert.True(single.StatusCode == HttpStatusCode.Created, $"{(int)single.StatusCode} {await single.Content.ReadAsStringAsync()}");
        var bundle = await zhongshan.PostAsync("/fhir", Http.Json(StudyData.SiteBundle("zhongshan", "zs-after-sub")));
        Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
    }

    // Was (high): every active Subscription's criteria run inside every write transaction of their type, with no bound on
    // their cost. One transaction Bundle of 50 websocket Subscriptions (the per-client quota) with long but valid criteria,
    // sent by a site, turned another site's single Observation POST from ~5 ms into 5-8 s each; writes are serialized, so
    // the whole server's write rate collapses until an admin deletes them.
    [Fact]
    public async Task Subscriptions_of_one_client_do_not_make_every_other_clients_write_slow()
    {
        using var own = new SecuredServerFactory();
        await StudyData.SeedAsync(own);
        using var zhongshan = await own.ClientForAsync("zhongshan");
        async Task<long> WriteMs()
        {
            var clock = Stopwatch.StartNew();
            await StudyData.OkAsync(await zhongshan.PostAsync("/fhir/Observation", Http.Json(StudyData.Observation(null, "zs-p1"))));
            return clock.ElapsedMilliseconds;
        }
        await WriteMs();
        var before = await WriteMs();

        var criteria = "Observation?subject:Patient.organization" + string.Concat(Enumerable.Repeat(".partof", 12)) + ".name=x"
            + string.Concat(Enumerable.Range(0, 30).Select(i => $"&code:not=c{i}&value-quantity=gt{i}&_has:Observation:has-member:status=final"));
        var subscription = """{"resourceType":"Subscription","status":"requested","reason":"r","criteria":"@c","channel":{"type":"websocket"}}"""
            .Replace("@c", criteria);
        var entries = string.Join(",", Enumerable.Repeat("{\"resource\":" + subscription + ",\"request\":{\"method\":\"POST\",\"url\":\"Subscription\"}}", 50));
        using var renji = await own.ClientForAsync("renji");
        var created = await renji.PostAsync("/fhir", Http.Json($$"""{"resourceType":"Bundle","type":"transaction","entry":[{{entries}}]}"""));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, created.StatusCode); // refused up front: criteria are bounded

        var after = await WriteMs();
        Assert.True(after < Math.Max(20 * before, 1000), $"one Observation POST: {before} ms before, {after} ms after another client's subscriptions");
    }

    // Was: vread and instance history judge a site by the resource's CURRENT version only, so once a resource is
    // re-filed to one of its patients (a data correction by the admin) the site reads the earlier versions, which were
    // another site's patient's data (here the weight recorded for zs-p1).
    [Fact]
    public async Task Versions_from_when_a_resource_was_another_sites_stay_hidden_after_it_is_refiled()
    {
        using var own = new SecuredServerFactory(); // its own: renji's history would show zs-p1 to the shared server's other tests
        await StudyData.SeedAsync(own);
        using var admin = await own.ClientForAsync("admin");
        var id = "refiled-" + Guid.NewGuid().ToString("N")[..8];
        await StudyData.OkAsync(await admin.PutAsync($"/fhir/Observation/{id}", Http.Json(StudyData.Observation(id, "zs-p1", 93.7m))));
        await StudyData.OkAsync(await admin.PutAsync($"/fhir/Observation/{id}", Http.Json(StudyData.Observation(id, "renji-p1", 61))));

        using var renji = await own.ClientForAsync("renji");
        Assert.Equal(HttpStatusCode.OK, (await renji.GetAsync($"/fhir/Observation/{id}")).StatusCode); // now renji's: fine
        var old = await renji.GetAsync($"/fhir/Observation/{id}/_history/1");
        Assert.Equal(HttpStatusCode.NotFound, old.StatusCode);
        foreach (var url in new[] { $"/fhir/Observation/{id}/_history", "/fhir/Observation/_history?_count=1000", "/fhir/_history?_count=1000" })
        {
            var text = await (await renji.GetAsync(url)).Content.ReadAsStringAsync();
            Assert.DoesNotContain("zs-p1", text);
            Assert.DoesNotContain("93.7", text);
        }
    }

    // Was: a chain, a _has or a list of criteria a little deeper than usual reaches SQLite's expression-depth limit and
    // answers 500 (an unhandled SqliteException, logged as a server fault), where it is the client's request that is
    // too complex: 400. A site's restriction is nested into every link, so a site hits it at 20 links.
    [Theory]
    [InlineData(20, 0, 0)]
    [InlineData(0, 50, 0)]
    [InlineData(0, 0, 1000)]
    public async Task A_too_deep_or_too_long_search_is_refused_as_the_clients_error(int chainLinks, int hasLevels, int criteria)
    {
        await StudyData.SeedAsync(factory);
        using var renji = await factory.ClientForAsync("renji");
        HttpResponseMessage response;
        if (criteria > 0)
        {
            var form = string.Join("&", Enumerable.Range(0, criteria).Select(i => $"code:not=c{i}"));
            response = await renji.PostAsync("/fhir/Observation/_search", new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded"));
        }
        else if (chainLinks > 0)
            response = await renji.GetAsync("/fhir/Observation?subject:Patient.organization" + string.Concat(Enumerable.Repeat(".partof", chainLinks)) + ".name=x");
        else
            response = await renji.GetAsync("/fhir/Organization?" + string.Concat(Enumerable.Repeat("_has:Organization:partof:", hasLevels)) + "name=x");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    // Was: every _revinclude (and _include) value is run on its own, repeats included, with no cap on how many a search
    // names: one request (a POST _search form or a long URL) multiplies the work at will. With 300 patients a site's
    // single search with 100 copies took ~25x one copy's time (1000 copies over 500 patients ran past 100 s): any
    // client, a site included, stalls the server with a few such requests.
    [Fact]
    public async Task Repeating_a_revinclude_does_not_multiply_the_work_of_one_search()
    {
        using var own = new SecuredServerFactory();
        using var renji = await own.ClientForAsync("renji");
        var entries = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            entries.Add("{\"resource\":" + StudyData.Patient($"dos-p{i}", "renji") + $",\"request\":{{\"method\":\"PUT\",\"url\":\"Patient/dos-p{i}\"}}}}");
            entries.Add("{\"resource\":" + StudyData.Observation($"dos-o{i}", $"dos-p{i}") + $",\"request\":{{\"method\":\"PUT\",\"url\":\"Observation/dos-o{i}\"}}}}");
        }
        await StudyData.OkAsync(await renji.PostAsync("/fhir", Http.Json($$"""{"resourceType":"Bundle","type":"transaction","entry":[{{string.Join(",", entries)}}]}""")));

        async Task<(HttpStatusCode Status, long Ms)> Search(int copies)
        {
            var form = "_count=1000&_elements=id&" + string.Join("&", Enumerable.Repeat("_revinclude=Observation:subject", copies));
            var clock = Stopwatch.StartNew();
            var response = await renji.PostAsync("/fhir/Patient/_search", new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded"));
            await response.Content.ReadAsStringAsync();
            return (response.StatusCode, clock.ElapsedMilliseconds);
        }
        await Search(1); // warm
        var one = await Search(1);
        var many = await Search(100);
        // Either the repeats are refused (400, too many includes) or they cost about what one does.
        Assert.True(many.Status == HttpStatusCode.BadRequest || many.Ms < 5 * Math.Max(one.Ms, 50),
            $"one _revinclude: {one.Ms} ms; 100 copies: {many.Status} in {many.Ms} ms");
    }
}
