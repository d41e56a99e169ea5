using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;

namespace FhirTrial.Server.Tests;

/// <summary>A standard FHIR client (Firely's FhirClient) can do the everyday interactions against the server.</summary>
[Collection(ServerCollection.Name)]
public sealed class FirelyClientTests(FhirServerFactory factory)
{
    private FhirClient Client()
    {
        var http = factory.CreateClient();
        return new FhirClient(new Uri(http.BaseAddress!, "/fhir"), http, new FhirClientSettings { PreferredFormat = ResourceFormat.Json });
    }

    [Fact]
    public async System.Threading.Tasks.Task Create_read_update_search_history_and_delete()
    {
        var client = Client();
        var created = await client.CreateAsync(new Patient
        {
            Name = [new HumanName { Family = "Firely", Given = ["Client"] }],
            Identifier = [new Identifier("http://zhongshan.example.org/mrn", "fc-" + Guid.NewGuid().ToString("N"))],
        });
        Assert.NotNull(created?.Id);
        Assert.Equal("1", created!.Meta!.VersionId);

        created.Gender = AdministrativeGender.Female;
        var updated = (await client.UpdateAsync(created))!;
        Assert.Equal("2", updated.Meta!.VersionId);

        var found = await client.SearchAsync<Patient>(["family=firely", $"_id={created.Id}"]);
        Assert.Equal(1, found!.Total);

        var history = await client.HistoryAsync($"Patient/{created.Id}");
        Assert.Equal(2, history!.Entry.Count);

        var caps = await client.CapabilityStatementAsync();
        Assert.Equal(FHIRVersion.N4_0_1, caps!.FhirVersion);

        await client.DeleteAsync(updated);
        var ex = await Assert.ThrowsAsync<FhirOperationException>(() => client.ReadAsync<Patient>($"Patient/{created.Id}"));
        Assert.Equal(System.Net.HttpStatusCode.Gone, ex.Status);
    }

    [Fact]
    public async System.Threading.Tasks.Task Transaction_through_the_client()
    {
        var client = Client();
        var bundle = new TransactionBuilder(client.Endpoint, Bundle.BundleType.Transaction)
            .Create(new Patient { Id = "urn-free", Name = [new HumanName { Family = "TxClient" }] })
            .ToBundle();
        var response = await client.TransactionAsync(bundle);
        Assert.Equal(Bundle.BundleType.TransactionResponse, response!.Type);
        Assert.StartsWith("201", response.Entry[0].Response!.Status);
    }
}
