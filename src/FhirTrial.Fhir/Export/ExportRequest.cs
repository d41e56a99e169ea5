using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Search;

namespace FhirTrial.Fhir.Export;

/// <summary>Where a bulk export was called: the whole server, every patient, or the members of one Group.</summary>
public enum ExportLevel { System, Patient, Group }

/// <summary>A validated <c>$export</c> kick-off (FHIR Bulk Data Access IG v2).</summary>
public sealed record ExportRequest(
    ExportLevel Level,
    string? GroupId,
    IReadOnlyList<string> Types,
    DateTimeOffset? Since,
    string OutputFormat,
    string RequestUrl)
{
    public const string NdjsonFormat = "application/fhir+ndjson";

    private static readonly HashSet<string> NdjsonAliases = new(StringComparer.OrdinalIgnoreCase)
        { "application/fhir+ndjson", "application/ndjson", "ndjson" };

    /// <summary>Parameters of the IG this server does not implement: an error unless the client asked for lenient handling,
    /// because ignoring them silently would export more than was asked for.</summary>
    private static readonly HashSet<string> Unsupported = ["_typeFilter", "_elements", "patient", "includeAssociatedData", "organizeOutputBy", "allowPartialManifests"];

    /// <summary>Reads the kick-off parameters; a fault in them is a 400 with an OperationOutcome.</summary>
    public static ExportRequest Parse(ExportLevel level, string? groupId, IEnumerable<KeyValuePair<string, string>> parameters,
        string requestUrl, ExportHandling handling = ExportHandling.Default)
    {
        var types = new List<string>();
        DateTimeOffset? since = null;
        var format = NdjsonFormat;
        foreach (var (name, value) in parameters)
        {
            switch (name)
            {
                case "_type":
                    foreach (var type in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        if (!Hl7.Fhir.Model.ModelInfo.IsKnownResource(type) || type is "Resource" or "DomainResource")
                            throw FhirException.BadRequest($"_type names '{type}', which is not a FHIR R4 resource type.", "_type");
                        if (!types.Contains(type)) types.Add(type);
                    }
                    break;
                case "_since":
                    since = DateRange.TryParse(value, out var range) && value.Contains('T')
                        ? new DateTimeOffset(range.Low, TimeSpan.Zero)
                        : throw FhirException.BadRequest($"_since must be a FHIR instant (e.g. 2024-01-01T00:00:00Z), not '{value}'.", "_since");
                    break;
                case "_outputFormat":
                    if (!NdjsonAliases.Contains(value))
                        throw FhirException.BadRequest($"_outputFormat '{value}' is not supported; use application/fhir+ndjson.", "_outputFormat");
                    break;
                case "_format" or "_pretty":
                    break;
                default:
                    if (handling == ExportHandling.Strict || Unsupported.Contains(name) && handling != ExportHandling.Lenient)
                        throw FhirException.NotSupported($"The $export parameter '{name}' is not supported by this server"
                            + " (send Prefer: handling=lenient to have it ignored).");
                    break;
            }
        }
        if (level == ExportLevel.Group && string.IsNullOrWhiteSpace(groupId))
            throw FhirException.BadRequest("A Group-level export needs the Group's id.");
        return new ExportRequest(level, groupId, types, since, format, requestUrl);
    }

    /// <summary>The kick-off parameters as the query string reads them, from the body of a POST kick-off.</summary>
    public static List<KeyValuePair<string, string>> FromParameters(Hl7.Fhir.Model.Parameters parameters)
        => parameters.Parameter
            .Where(p => p.Value is not null && p.Name is not null)
            .Select(p => new KeyValuePair<string, string>(p.Name!, p.Value is Hl7.Fhir.Model.Instant i && i.Value is { } v
                ? v.ToString("o") : p.Value!.ToString() ?? ""))
            .ToList();

    /// <summary>True when the resource type is asked for (no <c>_type</c> means every type).</summary>
    public bool Wants(string type) => Types.Count == 0 || Types.Contains(type);
}

/// <summary>The client's <c>Prefer: handling</c>: strict rejects any unknown parameter, lenient ignores even the IG's unsupported ones.</summary>
public enum ExportHandling { Default, Strict, Lenient }
