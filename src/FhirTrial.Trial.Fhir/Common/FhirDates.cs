using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Common;

/// <summary>Which day a partial date (<c>2024</c>, <c>2024-05</c>) stands for.</summary>
public enum PartialDate
{
    /// <summary>The first day it may mean (an onset, a scan date).</summary>
    Earliest,
    /// <summary>The last day it may mean: a birth date read so, never overstates an age.</summary>
    Latest,
}

/// <summary>FHIR date, dateTime, instant and Period values as calendar dates (CONTRACT.md section 4: dates are calendar dates).</summary>
public static class FhirDates
{
    /// <summary>
    /// The calendar date as written: <c>2024-05-01T23:30:00+08:00</c> is 1 May, the day the clinic recorded, not the
    /// UTC day. Null for absent or unreadable values.
    /// </summary>
    public static DateOnly? ToDateOnly(string? value, PartialDate partial = PartialDate.Earliest)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length < 4) return null;
        if (!int.TryParse(value.AsSpan(0, 4), out var year) || year < 1) return null;
        var month = 0;
        var day = 0;
        if (value.Length >= 7 && value[4] == '-' && !int.TryParse(value.AsSpan(5, 2), out month)) return null;
        if (value.Length >= 10 && value[7] == '-' && !int.TryParse(value.AsSpan(8, 2), out day)) return null;
        if (month is < 0 or > 12) return null;
        if (month == 0)
            return partial == PartialDate.Earliest ? new DateOnly(year, 1, 1) : new DateOnly(year, 12, 31);
        var daysInMonth = DateTime.DaysInMonth(year, month);
        if (day == 0)
            return partial == PartialDate.Earliest ? new DateOnly(year, month, 1) : new DateOnly(year, month, daysInMonth);
        return day <= daysInMonth ? new DateOnly(year, month, day) : null;
    }

    /// <summary>The days a date, partial or not, may mean (<c>2025-06</c>: 1 to 30 June); null for absent or unreadable values.</summary>
    public static FhirTrial.Trial.Endpoints.DateSpan? ToDateSpan(string? value) =>
        ToDateOnly(value) is { } earliest && ToDateOnly(value, PartialDate.Latest) is { } latest ? new(earliest, latest) : null;

    /// <summary>A choice value (<c>effective[x]</c>, <c>occurrence[x]</c>, <c>onset[x]</c>): a dateTime, instant, date or the start of a Period.</summary>
    public static DateOnly? ToDateOnly(DataType? value, PartialDate partial = PartialDate.Earliest) => value switch
    {
        FhirDateTime dt => ToDateOnly(dt.Value, partial),
        Date d => ToDateOnly(d.Value, partial),
        Instant i => i.Value is { } v ? DateOnly.FromDateTime(v.DateTime) : null,
        Period p => ToDateOnly(p.Start, partial),
        FhirString s => ToDateOnly(s.Value, partial),
        _ => null,
    };

    /// <summary>
    /// The last day of a choice value: a Period's end (its start when open), else the value's day. An administration
    /// over a period (R4 MedicationAdministration.effectivePeriod) was given until its end, so its last dose and the last
    /// day it shows the patient alive are the end; its first dose is the start (<see cref="ToDateOnly(DataType?, PartialDate)"/>).
    /// </summary>
    public static DateOnly? LastDay(DataType? value) =>
        value is Period p ? ToDateOnly(p.End) ?? ToDateOnly(p.Start) : ToDateOnly(value);

    /// <summary>A query parameter of type date (<c>YYYY-MM-DD</c>); null when absent.</summary>
    public static DateOnly? ParseParameter(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (value.Length != 10 || ToDateOnly(value) is not { } date)
            throw FhirTrial.Fhir.Errors.FhirException.BadRequest($"'{name}' must be a date YYYY-MM-DD, not '{value}'.");
        return date;
    }
}
