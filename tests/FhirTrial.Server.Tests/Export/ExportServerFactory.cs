using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using FhirTrial.Tests.Shared;
using Microsoft.Extensions.Hosting;

namespace FhirTrial.Server.Tests.Export;

/// <summary>A server of its own for the export tests (private SQLite file and export folder), seeded with a small study.</summary>
public sealed class ExportServerFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fhirtrial-export-").FullName;

    public string ExportFolder => Path.Combine(_folder, "export");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:Provider", "sqlite");
        builder.UseSetting("Storage:ConnectionString", $"Data Source={Path.Combine(_folder, "fhir.db")}");
        builder.UseSetting("Export:Folder", ExportFolder);
        builder.UseSetting("Export:RetryAfterSeconds", "1");
        // Small pages and files, so paging and file roll-over run in the tests.
        builder.UseSetting("Export:PageSize", "3");
        builder.UseSetting("Export:MaxResourcesPerFile", "4");
    }

    protected override IHost CreateHost(IHostBuilder builder) => base.CreateHost(builder).WhenReady();

    public async Task InitializeAsync()
    {
        var client = CreateClient();
        var response = await client.PostAsync("/fhir", Http.Json(ExportData.StudyBundle));
        response.EnsureSuccessStatusCode();
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Two study subjects (p1, p2) with observations, and one patient (p3) who is not on the study.</summary>
public static class ExportData
{
    public static readonly string[] StudyPatients = ["exp-p1", "exp-p2"];
    public const string OtherPatient = "exp-p3";
    public const int ObservationsPerPatient = 3;

    public static string StudyBundle
    {
        get
        {
            var entries = new List<string>();
            foreach (var id in StudyPatients.Append(OtherPatient))
            {
                entries.Add(Put("Patient", id, $$$"""{"resourceType":"Patient","id":"{{{id}}}","gender":"female","birthDate":"1961-02-03"}"""));
                for (var k = 1; k <= ObservationsPerPatient; k++)
                    entries.Add(Put("Observation", $"{id}-w{k}", $$$"""
                        {"resourceType":"Observation","id":"{{{id}}}-w{{{k}}}","status":"final",
                         "code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},"subject":{"reference":"Patient/{{{id}}}"},
                         "effectiveDateTime":"2024-0{{{k}}}-01","valueQuantity":{"value":{{{60 + k}}},"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"}}
                        """));
            }
            foreach (var (id, k) in StudyPatients.Select((id, k) => (id, k)))
                entries.Add(Put("ResearchSubject", $"exp-rs{k + 1}", $$$"""
                    {"resourceType":"ResearchSubject","id":"exp-rs{{{k + 1}}}","status":"on-study","study":{"reference":"ResearchStudy/ak104-rcc-2l"},
                     "individual":{"reference":"Patient/{{{id}}}"},"period":{"start":"2024-01-15"}}
                    """));
            entries.Add(Put("Condition", "exp-p3-c", $$$"""
                {"resourceType":"Condition","id":"exp-p3-c","subject":{"reference":"Patient/{{{OtherPatient}}}"},
                 "code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10","code":"C64.1"}]}}
                """));
            return $$$"""{"resourceType":"Bundle","type":"transaction","entry":[{{{string.Join(",", entries)}}}]}""";
        }
    }

    private static string Put(string type, string id, string json)
        => $$$"""{"resource":{{{json}}},"request":{"method":"PUT","url":"{{{type}}}/{{{id}}}"}}""";
}
