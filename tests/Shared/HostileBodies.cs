using System.Text;

namespace FhirTrial.Tests.Shared;

/// <summary>Bodies built to exhaust the parser's stack or the validator's time: deep, wide, nested extensions.</summary>
public static class HostileBodies
{
    public static StringContent Xml(string xml) => new(xml, Encoding.UTF8, "application/fhir+xml");

    /// <summary>A Bundle holding a Bundle holding a Bundle ... <paramref name="levels"/> deep.</summary>
    public static string DeepXmlBundle(int levels)
    {
        var text = new StringBuilder();
        text.Append("<Bundle xmlns=\"http://hl7.org/fhir\"><type value=\"collection\"/><entry><resource>");
        for (var i = 1; i < levels; i++) text.Append("<Bundle><entry><resource>");
        for (var i = 0; i < levels; i++) text.Append("</resource></entry></Bundle>");
        return text.ToString();
    }

    public static string DeepJsonBundle(int levels)
    {
        var text = new StringBuilder();
        for (var i = 0; i < levels; i++) text.Append("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":");
        text.Append("{\"resourceType\":\"Patient\"}");
        for (var i = 0; i < levels; i++) text.Append("}]}");
        return text.ToString();
    }

    /// <summary>A Patient (or the given resource, its elements before and after the extensions) with
    /// <paramref name="siblings"/> extensions, each holding an extension ... <paramref name="levels"/> deep.</summary>
    public static string NestedExtensionsXml(int levels, string type = "Patient", string before = "", string after = "", int siblings = 1)
    {
        var text = new StringBuilder($"<{type} xmlns=\"http://hl7.org/fhir\">{before}");
        for (var sibling = 0; sibling < siblings; sibling++)
        {
            for (var i = 0; i < levels; i++) text.Append("<extension url=\"http://example.org/fhir/StructureDefinition/nested\">");
            text.Append("<valueString value=\"x\"/>");
            for (var i = 0; i < levels; i++) text.Append("</extension>");
        }
        return text.Append($"{after}</{type}>").ToString();
    }

    public static string NestedExtensionsJson(int levels)
    {
        var text = new StringBuilder("{\"resourceType\":\"Patient\"");
        for (var i = 0; i < levels; i++) text.Append(",\"extension\":[{\"url\":\"http://example.org/fhir/StructureDefinition/nested\"");
        text.Append(",\"valueString\":\"x\"");
        for (var i = 0; i < levels; i++) text.Append("}]");
        return text.Append('}').ToString();
    }

    /// <summary>A Patient with <paramref name="count"/> sibling names.</summary>
    public static string WideXml(int count)
    {
        var text = new StringBuilder("<Patient xmlns=\"http://hl7.org/fhir\">");
        for (var i = 0; i < count; i++) text.Append("<name><family value=\"F").Append(i).Append("\"/></name>");
        return text.Append("</Patient>").ToString();
    }

    public static string WideJson(int count)
        => "{\"resourceType\":\"Patient\",\"name\":[" + string.Join(",", Enumerable.Range(0, count).Select(i => $"{{\"family\":\"F{i}\"}}")) + "]}";
}
