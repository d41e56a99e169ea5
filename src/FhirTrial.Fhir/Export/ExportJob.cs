using System.Text.Json.Serialization;
using FhirTrial.Fhir.Security;

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
    string? Failure = null,
    ExportIdentity? RunAs = null)
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

/// <summary>One ndjson file of a job: the resource type it holds, its name in the job's folder, its line count, and the
/// patients whose data it holds (named in the AuditEvent of each download).</summary>
public sealed record ExportOutputFile(string Type, string FileName, int Count, IReadOnlyList<string>? Patients = null);

/// <summary>Whom an export job acts for once its request has ended: the client that started it, with that client's
/// role, site and scopes, so the job reads exactly what the client could read.</summary>
public sealed record ExportIdentity(string ClientId, StudyRole Role, string? Site, string Scopes)
{
    public static ExportIdentity Of(AccessPrincipal principal)
        => new(principal.ClientId, principal.Role, principal.Site, string.Join(" ", principal.Scopes.Grants));

    public AccessPrincipal Principal => new(ClientId, Role, Site, SmartScopes.Parse(Scopes));
}

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
