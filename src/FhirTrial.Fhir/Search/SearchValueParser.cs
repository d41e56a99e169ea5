using System.Globalization;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Indexing;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Search;

/// <summary>Parses one search value of a given parameter type, with FHIR's prefixes and escapes.</summary>
public static class SearchValueParser
{
    private static readonly Dictionary<string, SearchPrefix> Prefixes = new()
    {
        ["eq"] = SearchPrefix.Eq, ["ne"] = SearchPrefix.Ne, ["gt"] = SearchPrefix.Gt, ["lt"] = SearchPrefix.Lt,
        ["ge"] = SearchPrefix.Ge, ["le"] = SearchPrefix.Le, ["sa"] = SearchPrefix.Sa, ["eb"] = SearchPrefix.Eb,
        ["ap"] = SearchPrefix.Ap,
    };

    public static SearchValue Parse(string name, SearchParamType type, SearchModifier modifier, string raw)
    {
        return type switch
        {
            SearchParamType.String => new StringValue(StringNormalizer.Normalize(Unescape(raw)), Unescape(raw)),
            SearchParamType.Token => ParseToken(raw, modifier),
            SearchParamType.Date => ParseDate(name, raw),
            SearchParamType.Number => ParseNumber(name, raw),
            SearchParamType.Quantity => ParseQuantity(name, raw),
            SearchParamType.Reference => ParseReference(raw, modifier),
            SearchParamType.Uri => new UriValue(Unescape(raw)),
            _ => throw FhirException.NotSupported($"Parameter '{name}' of type {type} cannot be searched this way."),
        };
    }

    public static TokenValue ParseToken(string raw, SearchModifier modifier = SearchModifier.None)
    {
        if (modifier == SearchModifier.Text) return new TokenValue(null, Unescape(raw), false);
        var parts = SplitEscaped(raw, '|');
        if (parts.Count == 1) return new TokenValue(null, Unescape(parts[0]), false);
        var system = Unescape(parts[0]);
        var code = Unescape(string.Join("|", parts.Skip(1)));
        return new TokenValue(system.Length == 0 ? null : system, code.Length == 0 ? null : code, true);
    }

    private static SearchValue ParseDate(string name, string raw)
    {
        var (prefix, rest) = SplitPrefix(raw);
        if (!DateRange.TryParse(rest, out var range))
            throw FhirException.BadRequest($"'{raw}' is not a valid date for parameter '{name}'.");
        return new DateValue(prefix, range);
    }

    private static NumberValue ParseNumber(string name, string raw)
    {
        var (prefix, rest) = SplitPrefix(raw);
        if (!decimal.TryParse(rest, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            throw FhirException.BadRequest($"'{raw}' is not a valid number for parameter '{name}'.");
        var half = HalfUnitOfPrecision(rest);
        return new NumberValue(prefix, value, value - half, value + half);
    }

    private static SearchValue ParseQuantity(string name, string raw)
    {
        var parts = SplitEscaped(raw, '|');
        var number = ParseNumber(name, parts[0]);
        string? system = parts.Count > 1 && parts[1].Length > 0 ? Unescape(parts[1]) : null;
        string? code = parts.Count > 2 && parts[2].Length > 0 ? Unescape(parts[2]) : null;
        return new QuantityValue(number.Prefix, number.Value, number.Low, number.High, system, code);
    }

    private static SearchValue ParseReference(string raw, SearchModifier modifier)
    {
        var text = Unescape(raw);
        if (modifier == SearchModifier.Identifier) return new ReferenceValue(null, null, null, ParseToken(raw));
        var parsed = ReferenceParser.Parse(text);
        if (parsed.Url is not null && parsed.Type is null)
            return text.Contains('/') || text.Contains(':') ? new ReferenceValue(null, null, parsed.Url) : new ReferenceValue(null, text, null);
        return new ReferenceValue(parsed.Type, parsed.Id, parsed.Url);
    }

    /// <summary>Half of the last written digit's place: 100 -> 0.5, 1.50 -> 0.005.</summary>
    private static decimal HalfUnitOfPrecision(string number)
    {
        var mantissa = number.Split('e', 'E')[0];
        var dot = mantissa.IndexOf('.');
        var decimals = dot < 0 ? 0 : mantissa.Length - dot - 1;
        return 0.5m / (decimal)Math.Pow(10, decimals);
    }

    private static (SearchPrefix, string) SplitPrefix(string raw)
    {
        if (raw.Length > 2 && Prefixes.TryGetValue(raw[..2], out var prefix) && (char.IsDigit(raw[2]) || raw[2] == '-'))
            return (prefix, raw[2..]);
        return (SearchPrefix.Eq, raw);
    }

    /// <summary>Splits on a separator not preceded by a backslash.</summary>
    public static List<string> SplitEscaped(string value, char separator)
    {
        var parts = new List<string>();
        var start = 0;
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\') { i++; continue; }
            if (value[i] == separator) { parts.Add(value[start..i]); start = i + 1; }
        }
        parts.Add(value[start..]);
        return parts;
    }

    public static string Unescape(string value)
        => value.Replace("\\,", ",").Replace("\\$", "$").Replace("\\|", "|").Replace("\\\\", "\\");
}
