using FhirTrial.Tests.Shared;
using System.Text;
using System.Text.Json.Nodes;

namespace FhirTrial.Server.Tests.Fuzz;

/// <summary>A seeded generator and mutator of FHIR requests: resources (JSON and XML), search queries and transaction Bundles.</summary>
public sealed class FuzzInputs(int seed, IReadOnlyList<JsonObject> corpus)
{
    private readonly Random _random = new(seed);

    public static readonly string[] Nasty =
    [
        "' OR '1'='1", "'; DROP TABLE resource; --", "\" OR \"\"=\"", "%", "_", "\\", "%_\\%", ") OR 1=1 --", "1; DELETE FROM idx_token",
        "Robert'); DROP TABLE idx_reference;--", "\u0000", "\ud83d\ude00", "\u202e", "<script>", "../../etc/passwd", "$", "|", "||", "|||",
        ",", ",,", "=", "&", "#", "?", "*", "-", "9999999999999999999999999999", "-1e400", "1e400", "NaN", "0x10", "2025-13-45",
        "2025-02-30T25:61:61Z", "gt", "ap1e-999", "Patient/", "/Patient", "Patient/../x", "urn:uuid:", "null", "true", "[]", "{}",
        new string('a', 5000), "Patient?identifier=", "http://", "Ω", "\t\r\n",
    ];

    private static readonly string[] Types = ["Patient", "Observation", "Condition", "ResearchSubject", "BodyStructure", "AdverseEvent",
        "MedicationAdministration", "QuestionnaireResponse", "Encounter", "Organization", "Bundle", "Parameters", "Unknown", "patient", "$everything"];

    private static readonly string[] Parameters =
    [
        "name", "family", "given", "identifier", "birthdate", "gender", "organization", "subject", "patient", "code", "value-quantity",
        "date", "_id", "_lastUpdated", "_tag", "_profile", "_security", "_count", "_offset", "_sort", "_total", "_summary", "_elements",
        "_include", "_revinclude", "_include:iterate", "_has:Observation:subject:code", "subject:Patient.name", "subject.identifier",
        "code-value-quantity", "component-code-value-quantity", "url", "focus", "status", "_text", "_content", "_format", "_type",
        "name:exact", "name:contains", "code:text", "code:not", "code:above", "identifier:missing", "subject:identifier",
        "value-quantity:missing", "_has", "_has:", "subject:Unknown.x", "x".PadLeft(300, 'x'),
    ];

    private static readonly string[] Prefixes = ["", "eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap", "zz"];

    private int Next(int max) => _random.Next(max);

    private T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    private bool Chance(int percent) => Next(100) < percent;

    public string RandomValue() => Next(8) switch
    {
        0 => Pick(Nasty),
        1 => Pick(Prefixes) + (Next(4) switch { 0 => "2025", 1 => "2025-02-01", 2 => "2025-02-01T10:00:00+08:00", _ => "20" + Next(100) }),
        2 => Pick(Prefixes) + (_random.NextDouble() * 200 - 50).ToString("G", System.Globalization.CultureInfo.InvariantCulture) + (Chance(50) ? "|http://unitsofmeasure.org|kg" : ""),
        3 => (Chance(50) ? "http://loinc.org|" : "") + Pick(new[] { "29463-7", "85354-9", "21889-1", "", "|", "C64" }),
        4 => Pick(Types) + "/" + Pick(new[] { "renji-p1", "x", "", "$everything", "a b" }),
        5 => string.Join(",", Enumerable.Range(0, Next(4) + 1).Select(_ => Pick(Nasty))),
        6 => RandomString(Next(40)),
        _ => Pick(new[] { "true", "false", "count", "desc", "Observation:subject", "Patient:organization", "*", "-date", "text", "data" }),
    };

    private string RandomString(int length)
    {
        var chars = new char[length];
        for (int i = 0; i < length; i++) chars[i] = Next(10) == 0 ? (char)Next(0x3000) : (char)(32 + Next(95));
        return new string(chars);
    }

    public string Query()
    {
        var parts = Enumerable.Range(0, Next(5) + 1).Select(_ =>
        {
            var name = Chance(90) ? Pick(Parameters) : RandomString(Next(12));
            var value = RandomValue();
            return Chance(80) ? $"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(value)}" : $"{name}={value}".Replace("#", "%23");
        });
        return string.Join("&", parts);
    }

    /// <summary>The resourceType, when a mutation left it a string.</summary>
    public static string TypeOf(JsonObject resource)
        => resource["resourceType"] is JsonValue v && v.TryGetValue<string>(out var type) ? type : "Patient";

    public string SearchType() => Chance(85) ? Pick(Types[..10]) : Pick(Types);

    public JsonObject SeedResource() => (JsonObject)Pick(corpus).DeepClone();

    /// <summary>A structurally mutated resource: values swapped for others of any kind, properties dropped, added or deepened.</summary>
    public JsonObject MutateResource(JsonObject resource)
    {
        for (int n = Next(4) + 1; n > 0; n--) MutateNode(resource, 0);
        if (Chance(10)) resource["resourceType"] = Pick(Types);
        if (Chance(10)) resource["id"] = RandomValue();
        return resource;
    }

    private void MutateNode(JsonNode node, int depth)
    {
        switch (node)
        {
            case JsonObject obj when obj.Count > 0:
            {
                var key = obj.ElementAt(Next(obj.Count)).Key;
                if (depth < 6 && obj[key] is JsonObject or JsonArray && Chance(60)) { MutateNode(obj[key]!, depth + 1); return; }
                switch (Next(5))
                {
                    case 0: obj.Remove(key); break;
                    case 1: obj[key] = RandomJson(0); break;
                    case 2: obj[RandomString(Next(10) + 1)] = RandomJson(0); break;
                    case 3: obj[key] = Deep(Next(200) + 1); break;
                    default: obj[key] = JsonValue.Create(RandomValue()); break;
                }
                break;
            }
            case JsonArray array when array.Count > 0:
            {
                var i = Next(array.Count);
                if (depth < 6 && array[i] is JsonObject or JsonArray && Chance(60)) { MutateNode(array[i]!, depth + 1); return; }
                if (Chance(50)) array.RemoveAt(i); else array.Add(RandomJson(0));
                break;
            }
        }
    }

    private JsonNode? RandomJson(int depth) => Next(depth > 2 ? 5 : 7) switch
    {
        0 => null,
        1 => JsonValue.Create(Chance(50)),
        2 => JsonValue.Create(_random.NextDouble() * Math.Pow(10, Next(30) - 10)),
        3 => JsonValue.Create(RandomValue()),
        4 => JsonValue.Create(Next(int.MaxValue) - int.MaxValue / 2),
        5 => new JsonArray(Enumerable.Range(0, Next(3)).Select(_ => RandomJson(depth + 1)).ToArray()),
        _ => new JsonObject(Enumerable.Range(0, Next(3)).Select(_ => KeyValuePair.Create(RandomString(Next(8) + 1), RandomJson(depth + 1)))),
    };

    private static JsonNode Deep(int depth)
    {
        JsonNode node = JsonValue.Create(1);
        for (int i = 0; i < depth; i++) node = i % 2 == 0 ? new JsonArray(node) : new JsonObject { ["a"] = node };
        return node;
    }

    /// <summary>Text-level damage: characters flipped, cut, duplicated or inserted.</summary>
    public string MutateText(string text)
    {
        var builder = new StringBuilder(text);
        for (int n = Next(6) + 1; n > 0 && builder.Length > 0; n--)
        {
            var at = Next(builder.Length);
            switch (Next(5))
            {
                case 0: builder[at] = (char)(32 + Next(95)); break;
                case 1: builder.Remove(at, Math.Min(builder.Length - at, Next(20) + 1)); break;
                case 2: builder.Insert(at, Pick(new[] { "{", "}", "[", "]", "\"", ",", ":", "<", ">", "&", "]]>", "<!--", "\\u0000", "\\" })); break;
                case 3: builder.Insert(at, builder.ToString(at, Math.Min(builder.Length - at, Next(50)))); break;
                default: builder.Insert(at, Pick(Nasty)); break;
            }
        }
        return builder.ToString();
    }

    public static readonly string[] XmlAttacks =
    [
        """<?xml version="1.0"?><!DOCTYPE p [<!ENTITY e SYSTEM "file:///etc/passwd">]><Patient xmlns="http://hl7.org/fhir"><id value="&e;"/></Patient>""",
        """<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><Patient xmlns="http://hl7.org/fhir"><id value="&c;"/></Patient>""",
        """<?xml version="1.0"?><Patient xmlns="http://hl7.org/fhir" xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="file:///etc/passwd"/></Patient>""",
        """<Patient xmlns="http://hl7.org/fhir"><id value="x"/><name><family value="a""" + new string('b', 10) + "\"/></name></Patient>",
    ];

    private static readonly string[] Modifiers =
    [
        "", ":exact", ":contains", ":missing", ":not", ":text", ":identifier", ":above", ":below", ":in", ":not-in", ":of-type",
        ":Patient", ":iterate", ":exact:contains", ":", "::", ":%00", ":名字", ":" + new string('m', 300), ":\u0001",
    ];

    private static readonly string[] OddNames =
    [
        "_has", "_has:", "_has:::", "_has:Observation", "_has:Observation:subject", "subject.", ".name", "subject:Patient.",
        "subject:Patient.organization:Organization.name", "名字", "na\u0000me", "name\u0007", "\u202ename", "ÑAME", "NAME",
        "_count", "_count:exact", "_sort:desc", "_include", "_include:iterate", "_revinclude:iterate", "_elements:x",
        "_lastUpdated", "_id:below", "-name", "name[0]", "name%5B0%5D", "name.family", "_filter", "_query", "_list",
    ];

    private static readonly string[] OddValues =
    [
        "gtlt5", "gtgt", "ge", "le-", "ap1e999", "eb2025-01-01T25:00", "sa9999-99", "ne-0", "lt-1e-400", "1e308", "-0", "0x1p3",
        "𝟘𝟙", "٣", "١٢٣", "\u0000", "\u0001\u001f", "\u007f", "\ud800", "\udfff", "\ufeffname", "a\u0301", "\u202eevil",
        "|", "||||||", "$", "$$", "\\|", "\\,", "\\$", "a,b,,c,", "Patient/", "Patient/1/_history/x", "http://x/fhir/Patient/1",
    ];

    /// <summary>A search query with odd parameter names, modifiers, prefixes, huge values, unicode and control characters.</summary>
    public string OddQuery()
    {
        var parts = Enumerable.Range(0, Next(4) + 1).Select(_ =>
        {
            var name = (Chance(50) ? Pick(Parameters) : Pick(OddNames)) + (Chance(60) ? Pick(Modifiers) : "");
            var value = Next(6) switch
            {
                0 => Pick(Prefixes) + new string('9', Next(4000) + 1),
                1 => new string(Pick(new[] { 'a', '名', '\u0301', ',', '|' }), Next(3000) + 1),
                2 => Pick(OddValues) + Pick(OddValues),
                3 => RandomString(Next(200)),
                _ => Pick(Prefixes) + Pick(OddValues),
            };
            return $"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(value)}";
        });
        return string.Join("&", parts);
    }

    /// <summary>A body nested deep: around the depth limit, or far beyond it (a Bundle 40,000 deep).</summary>
    public (string Text, bool Xml) DeepBody()
    {
        var levels = Next(4) switch { 0 => 40_000, 1 => 126 + Next(5), 2 => Next(300) + 1, _ => 1_000 };
        return Next(4) switch
        {
            0 => (HostileBodies.DeepXmlBundle(levels), true),
            1 => (HostileBodies.NestedExtensionsXml(Math.Min(levels, 5_000)), true),
            2 => (HostileBodies.DeepJsonBundle(levels), false),
            _ => (HostileBodies.NestedExtensionsJson(Math.Min(levels, 5_000)), false),
        };
    }

    /// <summary>A body with many siblings: names, sibling extensions nested a little, or elements the parser does not
    /// know (up to 20,000; valid ones up to 2,000, so that validating and indexing them keeps the run's pace).</summary>
    public (string Text, bool Xml) WideBody()
    {
        var count = Next(3) == 0 ? Next(20_000) + 1 : Next(2_000) + 1;
        var valid = Math.Min(count, 2_000);
        return Next(5) switch
        {
            0 => (HostileBodies.WideXml(valid), true),
            1 => (HostileBodies.WideJson(valid), false),
            2 => (HostileBodies.NestedExtensionsXml(Next(10) + 1, siblings: valid / 4 + 1), true),
            3 => ("<Patient xmlns=\"http://hl7.org/fhir\">" + string.Concat(Enumerable.Repeat("<x a=\"1\"/>", count)) + "</Patient>", true),
            _ => ("{\"resourceType\":\"Patient\"," + string.Join(",", Enumerable.Range(0, count).Select(i => $"\"p{i}\":{i}")) + "}", false),
        };
    }

    /// <summary>A multipart search form: broken in a known way, or generated and then damaged.</summary>
    public HttpContent Multipart()
    {
        if (Chance(40)) return BrokenMultipart(Next(BrokenMultiparts.Length));
        var boundary = Chance(80) ? "fz" + Next(100000) : RandomString(Next(80));
        var fields = Query().Split('&').Select(p => p.Split('=', 2))
            .Select(p => $"--{boundary}\r\nContent-Disposition: form-data; name=\"{p[0]}\"\r\n\r\n{(p.Length > 1 ? p[1] : "")}\r\n");
        var body = string.Concat(fields) + (Chance(70) ? $"--{boundary}--\r\n" : "");
        if (Chance(50)) body = MutateText(body);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", Next(6) switch
        {
            0 => "multipart/form-data",
            1 => $"multipart/form-data; boundary=\"{boundary}",
            2 => "multipart/form-data; boundary=" + boundary + "; boundary=other",
            _ => "multipart/form-data; boundary=" + boundary,
        });
        return content;
    }

    /// <summary>Multipart form bodies whose boundary is unclosed, wrong, missing or empty, or whose part is cut short.</summary>
    public static readonly (string ContentType, string Body)[] BrokenMultiparts =
    [
        ("multipart/form-data; boundary=abc", "--abc\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nclient_credentials"),
        ("multipart/form-data; boundary=abc", "--xyz\r\n\r\n--xyz--"),
        ("multipart/form-data", "--abc\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--abc--"),
        ("multipart/form-data; boundary=\"\"", "----"),
        ("multipart/form-data; boundary=abc", "--abc\r\nContent-Disposition: form-data; name=\"a\"\r\n"),
        ("multipart/form-data; boundary=" + new string('b', 200), "--" + new string('b', 200) + "\r\n\r\n"),
        ("multipart/form-data; boundary=abc", "--abc\r\n" + new string('x', 20000) + "\r\n\r\nvalue\r\n--abc--"),
    ];

    public static HttpContent BrokenMultipart(int index)
    {
        var (contentType, body) = BrokenMultiparts[index];
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    /// <summary>A transaction Bundle built from corpus resources, then broken in some way.</summary>
    public JsonObject Bundle()
    {
        var entries = new JsonArray();
        var count = Next(6) + 1;
        var fullUrls = new List<string>();
        for (int i = 0; i < count; i++)
        {
            var resource = SeedResource();
            resource.Remove("id");
            var fullUrl = $"urn:uuid:{Guid.NewGuid()}";
            fullUrls.Add(fullUrl);
            if (Chance(40)) MutateResource(resource);
            var type = TypeOf(resource);
            var method = Chance(80) ? "POST" : Pick(new[] { "PUT", "DELETE", "GET", "PATCH", "HEAD", "XYZ" });
            var url = method == "POST" ? type : $"{type}/{(Chance(70) ? "fz" + Next(1000) : RandomValue())}";
            if (Chance(15)) url = RandomValue();
            var entry = new JsonObject
            {
                ["fullUrl"] = Chance(90) ? fullUrl : RandomValue(),
                ["resource"] = method is "DELETE" or "GET" && Chance(70) ? null : resource,
                ["request"] = new JsonObject { ["method"] = method, ["url"] = url },
            };
            if (Chance(10)) ((JsonObject)entry["request"]!)["ifNoneExist"] = Query();
            if (Chance(10)) ((JsonObject)entry["request"]!)["ifMatch"] = RandomValue();
            entries.Add(entry);
        }
        // point references at each other, at nothing, or at conditional searches
        foreach (var entry in entries.OfType<JsonObject>())
            if (entry["resource"] is JsonObject r && r["subject"] is JsonObject subject)
                subject["reference"] = Next(4) switch
                {
                    0 => Pick(fullUrls),
                    1 => "urn:uuid:" + Guid.NewGuid(),
                    2 => "Patient?" + Query(),
                    _ => RandomValue(),
                };
        var bundle = new JsonObject { ["resourceType"] = "Bundle", ["type"] = Chance(85) ? "transaction" : Pick(new[] { "batch", "collection", "x" }), ["entry"] = entries };
        if (Chance(20)) MutateResource(bundle);
        return bundle;
    }
}
