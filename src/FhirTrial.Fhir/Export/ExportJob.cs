using System.Text.Json.Serialization;

namespace FhirTrial.Fhir.Export;

/// <summary>Where a job is in its life; a deleted job is simply gone.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ExportJobState>))]
public enum ExportJobState { Queued, Running, Completed, Failed }

/// <summary>One bulk export: what was asked, by whom, and what has been written. Immutable: the job store swaps whole versions.</summary>
public sealed record ExportJob(
    string Id,
    ExportRequest Request,
    DateTimeOffset TransactionTime,
    string? Owner,
    ExportJobState State,
    long ResourcesWritten = 0,
    string? CurrentType = null,
    IReadOnlyList<ExportOutputFile>? Output = null,
    string? Failure = null)
{
    public IReadOnlyList<ExportOutputFile> Files => Output ?? [];

    public bool IsFinished => State is ExportJobState.Completed or ExportJobState.Failed;

    /// <summary>The <c>X-Progress</c> text of a status poll.</summary>
    public string ProgressText => State switch
    {
        ExportJobState.Queued => "queued",
        ExportJobState.Running => CurrentType is null
            ? $"in progress: {ResourcesWritten} resources written"
            : $"in progress: {ResourcesWritten} resources written, now {CurrentType}",
        _ => State.ToString().ToLowerInvariant(),
    };
}

/// <summary>One ndjson file of a job: the resource type it holds, its name in the job's folder and its line count.</summary>
public sealed record ExportOutputFile(string Type, string FileName, int Count);

/// <summary>The completion manifest of the Bulk Data IG (the body of the final status poll).</summary>
public sealed record ExportManifest(
    [property: JsonPropertyName("transactionTime")] DateTimeOffset TransactionTime,
    [property: JsonPropertyName("request")] string Request,
    [property: JsonPropertyName("requiresAccessToken")] bool RequiresAccessToken,
    [property: JsonPropertyName("output")] IReadOnlyList<ExportManifestEntry> Output,
    [property: JsonPropertyName("error")] IReadOnlyList<ExportManifestEntry> Error);

public sealed record ExportManifestEntry(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("count")] int Count);
