using System.Globalization;
using System.Text.Json;
using FhirTrial.Trial.Fhir.Common;

namespace FhirTrial.Trial.Fhir.Recist;

/// <summary>
/// Reads the few FHIR JSON fields the response and efficacy mappers need straight from stored JSON. A study-wide
/// <c>$efficacy</c> reads tens of thousands of resources; System.Text.Json over them is about ten times faster than
/// building Firely POCOs (see bench/README.md).
/// </summary>
internal static class FhirJson
{
    public static string? String(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public static JsonElement? Object(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? value
            : null;

    public static IEnumerable<JsonElement> Array(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : [];

    public static decimal? Decimal(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            && value.TryGetDecimal(out var d)
            ? d
            : null;

    public static bool? Boolean(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => null }
            : null;

    /// <summary>The id of a reference element (<c>{"reference": "Patient/1"}</c>) when it points at the given type.</summary>
    public static string? ReferenceId(this JsonElement element, string name, string type) =>
        element.Object(name) is { } reference ? IdOf(reference.String("reference"), type) : null;

    /// <summary>The id in <c>Type/id</c>, an absolute URL ending in one, or a versioned reference; null for another type.</summary>
    public static string? IdOf(string? reference, string type) =>
        RecordReader.ReferenceKey(reference) is { } key && key.Type == type ? key.Id : null;

    /// <summary>A choice element as a calendar date: <c>{prefix}DateTime</c>, <c>Date</c>, <c>Instant</c> or <c>Period.start</c>.</summary>
    public static DateOnly? ChoiceDate(this JsonElement element, string prefix)
    {
        if (FhirDates.ToDateOnly(element.String(prefix + "DateTime")) is { } dateTime) return dateTime;
        if (FhirDates.ToDateOnly(element.String(prefix + "Date")) is { } date) return date;
        if (FhirDates.ToDateOnly(element.String(prefix + "Instant")) is { } instant) return instant;
        return element.Object(prefix + "Period") is { } period ? PeriodDate(period) : null;
    }

    /// <summary>As <see cref="ChoiceDate"/>, but a Period's end (its start when open): the last day it covers.</summary>
    public static DateOnly? ChoiceLastDate(this JsonElement element, string prefix) =>
        element.Object(prefix + "Period") is { } period ? PeriodDate(period, latest: true) : element.ChoiceDate(prefix);

    /// <summary>The later of a Period's start and end (the last day it shows the patient in care).</summary>
    public static DateOnly? PeriodDate(JsonElement period, bool latest = false)
    {
        var start = FhirDates.ToDateOnly(period.String("start"));
        var end = FhirDates.ToDateOnly(period.String("end"));
        return latest ? Max(start, end) : start ?? end;
    }

    public static DateOnly? Max(DateOnly? a, DateOnly? b) => a is null ? b : b is null ? a : a > b ? a : b;

    public static bool HasCoding(this JsonElement concept, string system, string code)
    {
        foreach (var coding in concept.Array("coding"))
            if (coding.String("system") == system && coding.String("code") == code)
                return true;
        return false;
    }

    /// <summary>The first code of a system in a CodeableConcept element.</summary>
    public static string? CodeOf(this JsonElement element, string name, string system)
    {
        if (element.Object(name) is not { } concept) return null;
        foreach (var coding in concept.Array("coding"))
            if (coding.String("system") == system)
                return coding.String("code");
        return null;
    }

    /// <summary>A Quantity in millimetres: mm as sent, other UCUM lengths (cm) converted; null when absent or not a length.</summary>
    public static decimal? Millimetres(JsonElement quantity)
    {
        if (quantity.Decimal("value") is not { } value) return null;
        var system = quantity.String("system");
        var unit = quantity.String("code") ?? quantity.String("unit");
        return unit switch
        {
            "mm" when system is null or TrialCodes.Ucum => value,
            "cm" when system is null or TrialCodes.Ucum => value * 10m,
            _ => UcumConversion.TryConvert(value, system, unit, "mm"),
        };
    }

    public static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
