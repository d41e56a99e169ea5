using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Indexing;
using FhirTrial.Fhir.Security;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Storage;
using FhirTrial.Fhir.Subscriptions;
using FhirTrial.Fhir.Validation;
using FhirTrial.Storage.Sqlite;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FhirTrial.Server.Tests.Subscriptions;

/// <summary>A notification queued by one server node is delivered by the next one on the same database: the outbox row
/// outlives the node that wrote it. The nodes are wired as the server wires them, without the HTTP layer.</summary>
public sealed class OutboxRestartTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fhirtrial-outbox-").FullName;

    private sealed class Node
    {
        public required SqliteFhirStore Store { get; init; }
        public required AccessContext Access { get; init; }
        public required ResourceService Resources { get; init; }
        public required SubscriptionDispatcher Dispatcher { get; init; }
    }

    private readonly List<ServiceProvider> _engines = [];

    /// <summary>A node's engine wired by <c>AddFhirEngine</c> and <c>AddFhirSubscriptions</c>, its store guarded as the server's is.</summary>
    private async Task<Node> StartAsync()
    {
        var store = new SqliteFhirStore($"Data Source={Path.Combine(_folder, "fhir.db")}");
        await store.MigrateAsync(CancellationToken.None);
        var access = new AccessContext();
        var settings = new SubscriptionSettings { AllowLoopback = true, PublicBase = "http://127.0.0.1:8080/fhir" };
        var engine = store.BuildFhirEngine(new NoWriteValidation(), Package, more: s => s
            .AddSingleton(access)
            .AddSingleton<ISubscriptionOutbox>(store)
            .AddSingleton<IFhirStore>(sp => new GuardedFhirStore(store, access, sp.GetRequiredService<IndexExtractor>()))
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddFhirSubscriptions(settings));
        _engines.Add(engine);
        return new Node
        {
            Store = store, Access = access,
            Resources = engine.GetRequiredService<ResourceService>(),
            Dispatcher = engine.GetRequiredService<SubscriptionDispatcher>(),
        };
    }

    private static readonly TrialPackage Package = TrialPackage.Load();

    [Fact]
    public async Task A_queued_notification_survives_the_node_that_queued_it()
    {
        using var receiver = new NotificationReceiver();
        string subscriptionId;
        var first = await StartAsync();
        using (first.Access.Enter(new RequestAccess(AccessPrincipal.Anonymous, new FhirInteraction("create"))))
        {
            var json = SubscriptionTests.Subscription(
                "AdverseEvent?seriousness=http://terminology.hl7.org/CodeSystem/adverse-event-seriousness|serious", receiver.Url("sponsor"));
            subscriptionId = (await first.Resources.CreateAsync(FhirSerializer.ParseJson(json), null, CancellationToken.None)).Stored.Id;
            await first.Resources.UpdateAsync("Patient", "p1", new Patient { Id = "p1" }, null, CancellationToken.None);
            await first.Resources.CreateAsync(FhirSerializer.ParseJson(SubscriptionTests.AdverseEvent("p1", "serious")), null, CancellationToken.None);
        }
        Assert.Single(await first.Store.PendingAsync(subscriptionId, CancellationToken.None));
        // the first node stops before delivering anything

        var second = await StartAsync();
        Assert.Equal(1, await second.Dispatcher.DispatchDueAsync(CancellationToken.None));
        var heard = Assert.Single(await receiver.WaitForAsync("sponsor"));
        Assert.Equal("AdverseEvent", (string)heard.Body["entry"]![1]!["resource"]!["resourceType"]!);
        Assert.Empty(await second.Store.PendingAsync(subscriptionId, CancellationToken.None));
    }

    public void Dispose()
    {
        foreach (var engine in _engines) engine.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
