using System.Text.RegularExpressions;

namespace FhirTrial.Fhir.Errors;

/// <summary>Plain English in messages: the right article before a type name, and parser messages without reader internals.</summary>
public static partial class Wording
{
    /// <summary>"an Observation", "a Patient": the article by the sound of the first letter (type names are English words).</summary>
    public static string A(string? noun)
    {
        if (string.IsNullOrEmpty(noun)) return "a resource";
        return ("AEIOUaeiou".Contains(noun[0]) ? "an " : "a ") + noun;
    }

    /// <summary>
    /// A JSON parser's message without System.Text.Json's position suffix ("Path: $.x | LineNumber: 0 |
    /// BytePositionInLine: 12."), which counts from 0 and names .NET internals; the position, when known, is
    /// said once as "line L, column C" counted from 1.
    /// </summary>
    public static string JsonProblem(Exception e)
    {
        var message = ReaderSuffix().Replace(e.Message, "").Trim();
        message = message.TrimEnd('.', ' ');
        if (e is System.Text.Json.JsonException { LineNumber: { } line, BytePositionInLine: { } column })
            message += $" (line {line + 1}, column {column + 1})";
        return message.Length == 0 ? "malformed JSON" : message;
    }

    [GeneratedRegex(@"\s*(Path: [^|]*\|\s*)?LineNumber: \d+\s*\|\s*BytePositionInLine: \d+\.?")]
    private static partial Regex ReaderSuffix();
}
