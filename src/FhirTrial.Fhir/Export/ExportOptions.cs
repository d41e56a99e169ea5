namespace FhirTrial.Fhir.Export;

/// <summary>Bulk export settings (<c>Export:*</c> in configuration).</summary>
public sealed class ExportOptions
{
    /// <summary>Where each job keeps its folder of ndjson files and its <c>job.json</c>.</summary>
    public string Folder { get; set; } = Path.Combine("data", "export");

    /// <summary>Resources read from the store per page.</summary>
    public int PageSize { get; set; } = 500;

    /// <summary>A type's output is split into several files past this many lines.</summary>
    public int MaxResourcesPerFile { get; set; } = 100_000;

    /// <summary>What the <c>Retry-After</c> header of a status poll says.</summary>
    public int RetryAfterSeconds { get; set; } = 2;

    /// <summary>Written into the manifest; set when the server requires a bearer token for the file URLs.</summary>
    public bool RequiresAccessToken { get; set; }

    /// <summary>How long a node's claim on a running job lasts unless renewed (it is renewed every third of it): a job of
    /// a node that died is taken over by another node this long after the node's last renewal.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a node looks in the folder for jobs kicked off elsewhere or left by a node that died.</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Finished jobs older than this are removed with their files when the server starts.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(1);
}
