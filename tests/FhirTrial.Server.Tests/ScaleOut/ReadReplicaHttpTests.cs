using System.Net;
using FhirTrial.Server.Http;
using FhirTrial.Storage.Tests.Postgres;
using FhirTrial.Tests.Shared;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FhirTrial.Server.Tests.ScaleOut;

/// <summary>The server over a private PostgreSQL primary with a <c>pg_basebackup</c> standby as its read replica.</summary>
public sealed class ReplicaServerFixture : IAsyncLifetime
{
    public PostgresStandby Pair { get; } = new();
    public WebApplicationFactory<Program> Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Pair.InitializeAsync();
        var primary = await Pair.Primary.CreateDatabaseAsync("replicahttp");
        await Storage.Postgres.PostgresMigrator.MigrateAsync(primary);
        await Pair.CatchUpAsync();
        Server = new Factory(primary, Pair.ConnectionStringFor(primary));
        Server.CreateClient().Dispose(); // start it now, not under the first test's timeout
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Pair.DisposeAsync();
    }

    private sealed class Factory(string primary, string replica) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Storage:Provider", "postgres");
            builder.UseSetting("Storage:ConnectionString", primary);
            builder.UseSetting("Storage:ReadReplica", replica);
            builder.UseSetting("Storage:ReadReplicaRetrySeconds", "0.2");
        }

        protected override IHost CreateHost(IHostBuilder builder) => base.CreateHost(builder).WhenReady();
    }
}

/// <summary>Read-your-writes through HTTP: the write's response names its commit, and a read that sends it back sees it.</summary>
public sealed class ReadReplicaHttpTests(ReplicaServerFixture fixture) : IClassFixture<ReplicaServerFixture>
{
    private const string Header = ReadYourWritesMiddleware.Header;

    private static string PatientWith(string mrn)
        => $$"""{"resourceType":"Patient","identifier":[{"system":"urn:trial:mrn","value":"{{mrn}}"}]}""";

    private static async Task<int> TotalAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (int)(await response.BodyAsync())["total"]!;
    }

    [Fact]
    public async Task A_client_that_sends_back_the_commit_position_reads_its_write_while_others_are_served_by_the_standby()
    {
        var client = fixture.Server.CreateClient();
        // With replay paused the standby's lag is the age of its last replayed transaction: make that one recent, or the
        // standby counts as more than MaxLag behind and (rightly) every read goes to the primary.
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/fhir/Patient", Http.Json(PatientWith("http-recent")))).StatusCode);
        await fixture.Pair.CatchUpAsync();
        await fixture.Pair.PauseReplayAsync();
        try
        {
            var created = await client.PostAsync("/fhir/Patient", Http.Json(PatientWith("http-own-write")));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var position = Assert.Single(created.Headers.GetValues(Header));
            Assert.Matches("^[0-9A-F]+/[0-9A-F]+$", position);

            const string search = "/fhir/Patient?identifier=urn:trial:mrn|http-own-write";
            var found = await TotalAsync(await client.GetAsync(search)); // the standby, replay paused, has not got it
            Assert.True(found == 0, $"the unqualified read saw the write: {await DiagnosisAsync(client)}");
            Assert.Equal(1, await TotalAsync(await client.SendAsync(Http.Request(HttpMethod.Get, search).With(Header, position))));
        }
        finally
        {
            await fixture.Pair.ResumeReplayAsync();
        }
    }

    /// <summary>Why a read went where it did: the standby's state as the server and as the standby itself see it.</summary>
    private async Task<string> DiagnosisAsync(HttpClient client)
    {
        var store = fixture.Server.Services.GetRequiredService<Storage.Postgres.PostgresFhirStore>();
        var reads = $"{store.ReplicaReads} replica and {store.PrimaryReads} primary reads";
        var state = (await store.ReplicaStateAsync(CancellationToken.None))?.Description;
        var standby = await fixture.Pair.ScalarAsync(
            "SELECT pg_get_wal_replay_pause_state() || ' receive ' || pg_last_wal_receive_lsn() || ' replay ' || pg_last_wal_replay_lsn() " +
            "|| ' last replayed xact ' || COALESCE((now() - pg_last_xact_replay_timestamp())::text, 'none')");
        return $"{reads}; {state}; standby {standby}";
    }

    [Fact]
    public async Task A_malformed_position_is_a_bad_request()
    {
        var response = await fixture.Server.CreateClient().SendAsync(Http.Request(HttpMethod.Get, "/fhir/Patient").With(Header, "not-a-position"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("OperationOutcome", (string?)(await response.BodyAsync())["resourceType"]);
    }

    [Fact]
    public async Task With_the_standby_stopped_reads_are_served_by_the_primary_and_readiness_is_degraded()
    {
        var client = fixture.Server.CreateClient();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/fhir/Patient", Http.Json(PatientWith("http-fallback")))).StatusCode);
        await fixture.Pair.StopAsync();
        try
        {
            Assert.Equal(1, await TotalAsync(await client.GetAsync("/fhir/Patient?identifier=urn:trial:mrn|http-fallback")));
            var ready = await client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Equal("Degraded", await ready.Content.ReadAsStringAsync());
        }
        finally
        {
            await fixture.Pair.StartAsync();
        }
        await fixture.Pair.CatchUpAsync();
        Assert.Equal("Healthy", await (await client.GetAsync("/health/ready")).Content.ReadAsStringAsync());
    }
}
