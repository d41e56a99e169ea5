using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;
using FhirTrial.Fhir.Errors;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Hl7.Fhir.Serialization;

namespace FhirTrial.Fhir.Serialization;

/// <summary>Parses and writes FHIR JSON and XML with one shared, thread-safe set of Firely (de)serializers.</summary>
public static partial class FhirSerializer
{
    private static readonly FhirJsonDeserializer JsonIn = new(new DeserializerSettings().UsingMode(DeserializationMode.Strict));
    private static readonly FhirXmlDeserializer XmlIn = new(new DeserializerSettings().UsingMode(DeserializationMode.Strict));
    private static readonly FhirJsonSerializer JsonOut = new();
    private static readonly FhirXmlSerializer XmlOut = new();

    /// <summary>Deepest nesting accepted: deep enough for any real resource, shallow enough to stop stack-exhaustion payloads.</summary>
    public const int MaxDepth = 128;

    public static Resource ParseJson(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
            return JsonIn.DeserializeResource(ref reader);
        }
        catch (DeserializationFailedException e)
        {
            return Tolerated(e) ?? throw new FhirException(System.Net.HttpStatusCode.BadRequest, ToOutcome(e));
        }
        catch (Exception e) when (IsMalformedInput(e))
        {
            throw FhirException.BadRequest($"The body is not a valid FHIR JSON resource: {Errors.Wording.JsonProblem(e)}.");
        }
    }

    public static Resource ParseJson(string json) => ParseJson(Encoding.UTF8.GetBytes(json));

    private static readonly XmlReaderSettings XmlSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersFromEntities = 0,
    };

    public static Resource ParseXml(string xml)
    {
        RequireXmlDepth(xml);
        Resource resource;
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), XmlSettings);
            resource = XmlIn.DeserializeResource(reader);
        }
        catch (DeserializationFailedException e)
        {
            resource = Tolerated(e) ?? throw new FhirException(System.Net.HttpStatusCode.BadRequest, ToOutcome(e));
        }
        catch (Exception e) when (IsMalformedInput(e))
        {
            throw FhirException.BadRequest($"The body is not a valid FHIR XML resource: {e.Message}");
        }
        RequireJsonDepth(resource);
        return resource;
    }

    /// <summary>
    /// Refuses XML nested deeper than <see cref="MaxDepth"/> elements before Firely's recursive parser sees it (a Bundle
    /// nested 40,000 deep overflowed the stack and ended the process). XmlReader keeps its own stack, so this pass is flat.
    /// </summary>
    private static void RequireXmlDepth(string xml)
    {
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), XmlSettings);
            while (reader.Read())
                if (reader.NodeType == XmlNodeType.Element && reader.Depth >= MaxDepth) throw TooDeep("XML");
        }
        catch (XmlException e)
        {
            throw FhirException.BadRequest($"The body is not a valid FHIR XML resource: {e.Message}");
        }
    }

    /// <summary>
    /// Holds a resource read from XML to JSON's limit: a repeating XML element is two JSON levels (array and object), so
    /// XML within the element limit could still be stored as JSON that no reader of the store would parse again.
    /// </summary>
    private static void RequireJsonDepth(Resource resource)
    {
        var reader = new Utf8JsonReader(JsonOut.SerializeToBytes(resource), new JsonReaderOptions { MaxDepth = MaxDepth });
        try
        {
            while (reader.Read()) { }
        }
        catch (JsonException)
        {
            throw TooDeep("JSON form of the XML");
        }
    }

    private static FhirException TooDeep(string what) => FhirException.Of(System.Net.HttpStatusCode.BadRequest,
        OperationOutcome.IssueType.TooCostly, $"The {what} body is nested deeper than {MaxDepth} levels.");

    public static string ToJson(Base resource, SummaryType summary = SummaryType.False, string[]? elements = null)
        => summary == SummaryType.False && elements is not { Length: > 0 }
            ? JsonOut.SerializeToString(resource)
            : JsonOut.SerializeToString(resource, summary, elements);

    public static byte[] ToJsonBytes(Base resource) => JsonOut.SerializeToBytes(resource);

    public static string ToXml(Base resource, SummaryType summary = SummaryType.False, string[]? elements = null)
    {
        Func<SerializationFilter?> filter = () => summary switch
        {
            SummaryType.True => SerializationFilter.ForSummary(),
            SummaryType.Text => SerializationFilter.ForText(),
            SummaryType.Data => SerializationFilter.ForData(),
            SummaryType.Count => SerializationFilter.ForCount(),
            _ => elements is { Length: > 0 } ? SerializationFilter.ForElements(elements, false) : null,
        };
        var sb = new StringBuilder();
        using (var writer = XmlWriter.Create(sb, new XmlWriterSettings { OmitXmlDeclaration = true }))
        {
            XmlOut.Serialize(resource, writer, filter!, null);
        }
        return sb.ToString();
    }

    /// <summary>Parsing is a pure function of the body, so whatever Firely's parsers throw is the input's fault; fuzzing
    /// found them throwing NotSupported, IndexOutOfRange and NullReference exceptions instead of reporting issues.</summary>
    private static bool IsMalformedInput(Exception e) => e is not (OutOfMemoryException or OperationCanceledException);

    /// <summary>Error codes of Firely's parsers for an object without members: JSON's "objects cannot be empty" and
    /// the generic "empty FHIR elements are invalid".</summary>
    private static readonly HashSet<string> EmptyObject = [FhirJsonException.OBJECTS_CANNOT_BE_EMPTY_CODE, "PVAL129"];

    /// <summary>
    /// The partial result of a parse whose every complaint is one of these, which the HL7 reference validator accepts:
    /// <list type="bullet">
    /// <item>A resource with nothing but its type (<c>{"resourceType": "Parameters"}</c>) is valid FHIR: no element of
    /// a resource is required by the base spec, but Firely's parser counts it as an empty object. Only at the root
    /// (<c>$this</c> in JSON, the type's name in XML); an empty element anywhere inside stays an error.</item>
    /// <item>A contained resource's id longer than 64 characters (R4 datatypes.html#id) but otherwise of id characters:
    /// it is a name local to its container (references.html#contained), and the reference validator does not hold it
    /// to the length; a resource's own id still is.</item>
    /// </list>
    /// </summary>
    private static Resource? Tolerated(DeserializationFailedException e) =>
        e.PartialResult is Resource resource && e.Exceptions.Count > 0
        && e.Exceptions.All(x => x is Hl7.Fhir.Utility.ExtendedCodedException { InstancePath: { } path } coded
            && (OnlyItsType(coded, path, resource) || LongContainedId(coded, path)))
            ? resource
            : null;

    private static bool OnlyItsType(Hl7.Fhir.Utility.ExtendedCodedException e, string path, Resource resource) =>
        EmptyObject.Contains(e.ErrorCode) && (path == "$this" || path == resource.TypeName);

    private static bool LongContainedId(Hl7.Fhir.Utility.ExtendedCodedException e, string path) =>
        e.ErrorCode == "PVAL124" && ContainedIdPath().IsMatch(path) && LongIdLiteral().IsMatch(e.Message);

    [GeneratedRegex(@"(^|\.)contained\[\d+\]\.id$")]
    private static partial Regex ContainedIdPath();

    /// <summary>Firely's message for a bad id literal, when the literal is only too long.</summary>
    [GeneratedRegex(@"^string '[A-Za-z0-9\-\.]{65,}' is not a correct literal for a id\.")]
    private static partial Regex LongIdLiteral();

    private static OperationOutcome ToOutcome(DeserializationFailedException e)
    {
        var outcome = new OperationOutcome();
        foreach (var ex in e.Exceptions.Take(50))
        {
            var issue = new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Error, Code = OperationOutcome.IssueType.Structure, Diagnostics = Errors.Wording.JsonProblem(ex),
            };
            if (ex is Hl7.Fhir.Utility.ExtendedCodedException { InstancePath: { } path }) issue.Expression = [path];
            outcome.Issue.Add(issue);
        }
        if (outcome.Issue.Count == 0) outcome.Issue.Add(new() { Severity = OperationOutcome.IssueSeverity.Error, Code = OperationOutcome.IssueType.Structure, Diagnostics = Errors.Wording.JsonProblem(e) });
        return outcome;
    }
}
