using System.Globalization;
using FhirTrial.Fhir.Search;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Indexing;

/// <summary>Turns one FHIR element into the index rows of a parameter type, as the FHIR search spec maps data types.</summary>
internal static class ValueConverter
{
    public static void Append(string param, int group, SearchParamType type, Base value, IReadOnlyList<string> targets, List<IndexEntry> into)
    {
        switch (type)
        {
            case SearchParamType.String: Strings(param, group, value, into); break;
            case SearchParamType.Token: Tokens(param, group, value, into); break;
            case SearchParamType.Date: Dates(param, group, value, into); break;
            case SearchParamType.Number: Numbers(param, group, value, into); break;
            case SearchParamType.Quantity: Quantities(param, group, value, into); break;
            case SearchParamType.Reference: References(param, group, value, targets, into); break;
            case SearchParamType.Uri: Uris(param, group, value, into); break;
        }
    }

    private static void AddString(string param, int group, string? s, List<IndexEntry> into)
    {
        if (!string.IsNullOrWhiteSpace(s)) into.Add(new StringIndex(param, group, StringNormalizer.Normalize(s), s));
    }

    private static void Strings(string param, int group, Base value, List<IndexEntry> into)
    {
        switch (value)
        {
            case HumanName n:
                AddString(param, group, n.Text, into);
                AddString(param, group, n.Family, into);
                foreach (var g in n.Given) AddString(param, group, g, into);
                foreach (var p in n.Prefix) AddString(param, group, p, into);
                foreach (var s in n.Suffix) AddString(param, group, s, into);
                break;
            case Address a:
                AddString(param, group, a.Text, into);
                foreach (var l in a.Line) AddString(param, group, l, into);
                AddString(param, group, a.City, into);
                AddString(param, group, a.District, into);
                AddString(param, group, a.State, into);
                AddString(param, group, a.PostalCode, into);
                AddString(param, group, a.Country, into);
                break;
            case PrimitiveType p:
                AddString(param, group, p.JsonValue?.ToString(), into);
                break;
        }
    }

    private static void Tokens(string param, int group, Base value, List<IndexEntry> into)
    {
        switch (value)
        {
            case Coding c:
                into.Add(new TokenIndex(param, group, c.System, c.Code, c.Display));
                break;
            case CodeableConcept cc:
                foreach (var c in cc.Coding) into.Add(new TokenIndex(param, group, c.System, c.Code, c.Display ?? cc.Text));
                // :text searches CodeableConcept.text too, also when every coding carries a display of its own.
                if (cc.Text is not null && cc.Coding.All(c => c.Display is not null && c.Display != cc.Text))
                    into.Add(new TokenIndex(param, group, null, null, cc.Text));
                break;
            case Identifier id:
                into.Add(new TokenIndex(param, group, id.System, id.Value, id.Type?.Text));
                break;
            case ContactPoint cp:
                into.Add(new TokenIndex(param, group, cp.System?.ToString().ToLowerInvariant(), cp.Value, null));
                break;
            case FhirBoolean b when b.Value is bool v:
                into.Add(new TokenIndex(param, group, null, v ? "true" : "false", null));
                break;
            case PrimitiveType p when p.JsonValue is not null:
                into.Add(new TokenIndex(param, group, null, CodeLiteral(p), null));
                break;
        }
    }

    private static string CodeLiteral(PrimitiveType p) => p switch
    {
        IValue<string> s => s.Value ?? "",
        _ => Convert.ToString(p.JsonValue, CultureInfo.InvariantCulture) ?? "",
    };

    private static void Dates(string param, int group, Base value, List<IndexEntry> into)
    {
        switch (value)
        {
            case Period p:
            {
                long low = DateRange.TryParse(p.Start, out var s) ? s.Low : DateRange.MinTicks;
                long high = DateRange.TryParse(p.End, out var e) ? e.High : DateRange.MaxTicks;
                if (p.Start is not null || p.End is not null) into.Add(new DateIndex(param, group, low, high));
                break;
            }
            case Timing t:
                foreach (var ev in t.EventElement)
                    if (DateRange.TryParse(ev.Value, out var r)) into.Add(new DateIndex(param, group, r.Low, r.High));
                break;
            case Instant i when i.Value is DateTimeOffset at:
                into.Add(new DateIndex(param, group, at.UtcTicks, at.UtcTicks));
                break;
            case PrimitiveType p when DateRange.TryParse(p.JsonValue?.ToString(), out var range):
                into.Add(new DateIndex(param, group, range.Low, range.High));
                break;
        }
    }

    private static void Numbers(string param, int group, Base value, List<IndexEntry> into)
    {
        switch (value)
        {
            case FhirDecimal d when d.Value is decimal v: into.Add(new NumberIndex(param, group, v)); break;
            case Integer i when i.Value is int v: into.Add(new NumberIndex(param, group, v)); break;
            case PositiveInt i when i.Value is int v: into.Add(new NumberIndex(param, group, v)); break;
            case UnsignedInt i when i.Value is int v: into.Add(new NumberIndex(param, group, v)); break;
        }
    }

    private static void Quantities(string param, int group, Base value, List<IndexEntry> into)
    {
        switch (value)
        {
            case Quantity q when q.Value is decimal v:
            {
                var canonical = UcumUnits.Convert(q.System, q.Code ?? q.Unit, v);
                into.Add(new QuantityIndex(param, group, q.System, q.Code ?? q.Unit, v, canonical?.Code, canonical?.Value));
                break;
            }
            case Money m when m.Value is decimal v:
                into.Add(new QuantityIndex(param, group, "urn:iso:std:iso:4217", m.Currency?.ToString(), v, null, null));
                break;
            case Hl7.Fhir.Model.Range r:
                if (r.Low is not null) Quantities(param, group, r.Low, into);
                if (r.High is not null) Quantities(param, group, r.High, into);
                break;
        }
    }

    private static void References(string param, int group, Base value, IReadOnlyList<string> targets, List<IndexEntry> into)
    {
        switch (value)
        {
            case ResourceReference r:
            {
                if (r.Reference is { } text && !text.StartsWith('#'))
                {
                    var parsed = ReferenceParser.Parse(text);
                    if (parsed.Type is not null && targets.Count > 0 && !targets.Contains(parsed.Type) && !targets.Contains("Resource")) break;
                    into.Add(new ReferenceIndex(param, group, parsed.Type, parsed.Id, parsed.Url, null, null));
                }
                if (r.Identifier is { } id)
                    into.Add(new ReferenceIndex(param, group, null, null, null, id.System, id.Value));
                break;
            }
            case Canonical c when c.Value is not null:
                into.Add(new ReferenceIndex(param, group, null, null, c.Value.Split('|')[0], null, null));
                break;
            case FhirUri u when u.Value is not null:
            {
                var parsed = ReferenceParser.Parse(u.Value);
                into.Add(new ReferenceIndex(param, group, parsed.Type, parsed.Id, parsed.Url, null, null));
                break;
            }
        }
    }

    private static void Uris(string param, int group, Base value, List<IndexEntry> into)
    {
        if (value is PrimitiveType p && p.JsonValue?.ToString() is { Length: > 0 } s)
            into.Add(new UriIndex(param, group, s));
    }
}
