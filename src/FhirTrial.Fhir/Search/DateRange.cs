using System.Globalization;
using System.Text.RegularExpressions;

namespace FhirTrial.Fhir.Search;

/// <summary>A FHIR date, dateTime or instant as the span of instants its precision implies (a month is the whole month).</summary>
public readonly record struct DateRange(long Low, long High)
{
    public static readonly long MinTicks = DateTime.MinValue.Ticks;
    public static readonly long MaxTicks = DateTime.MaxValue.Ticks;

    private static readonly Regex Shape = new(
        @"^(?<y>\d{4})(-(?<m>\d{2})(-(?<d>\d{2})(T(?<h>\d{2}):(?<mi>\d{2})(:(?<s>\d{2})(?<f>\.\d+)?)?(?<tz>Z|[+-]\d{2}:\d{2})?)?)?)?$",
        RegexOptions.Compiled | RegexOptions.CultureInvariant);

    public static bool TryParse(string? text, out DateRange range)
    {
        range = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var m = Shape.Match(text.Trim());
        if (!m.Success) return false;
        try
        {
            int year = int.Parse(m.Groups["y"].Value, CultureInfo.InvariantCulture);
            if (!m.Groups["m"].Success)
                return Span(new DateTime(year, 1, 1), d => d.AddYears(1), TimeSpan.Zero, out range);
            int month = int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture);
            if (!m.Groups["d"].Success)
                return Span(new DateTime(year, month, 1), d => d.AddMonths(1), TimeSpan.Zero, out range);
            int day = int.Parse(m.Groups["d"].Value, CultureInfo.InvariantCulture);
            if (!m.Groups["h"].Success)
                return Span(new DateTime(year, month, day), d => d.AddDays(1), TimeSpan.Zero, out range);
            var offset = ParseOffset(m.Groups["tz"].Value);
            int hour = int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture);
            int minute = int.Parse(m.Groups["mi"].Value, CultureInfo.InvariantCulture);
            var start = new DateTime(year, month, day, hour, minute, 0);
            if (!m.Groups["s"].Success)
                return Span(start, d => d.AddMinutes(1), offset, out range);
            start = start.AddSeconds(int.Parse(m.Groups["s"].Value, CultureInfo.InvariantCulture));
            if (!m.Groups["f"].Success)
                return Span(start, d => d.AddSeconds(1), offset, out range);
            var fraction = m.Groups["f"].Value;
            var unit = TimeSpan.FromTicks((long)Math.Pow(10, Math.Max(0, 7 - (fraction.Length - 1))));
            start = start.AddTicks((long)(decimal.Parse("0" + fraction, CultureInfo.InvariantCulture) * TimeSpan.TicksPerSecond));
            return Span(start, d => d + unit, offset, out range);
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    public static DateRange Instant(DateTimeOffset at) => new(at.UtcTicks, at.UtcTicks);

    private static bool Span(DateTime start, Func<DateTime, DateTime> next, TimeSpan offset, out DateRange range)
    {
        var low = start - offset;
        var end = next(start) - offset;
        range = new DateRange(low.Ticks, end.Ticks - 1);
        return true;
    }

    private static TimeSpan ParseOffset(string tz)
    {
        if (tz is "" or "Z") return TimeSpan.Zero;
        var sign = tz[0] == '-' ? -1 : 1;
        var parts = tz[1..].Split(':');
        return sign * new TimeSpan(int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture), 0);
    }
}
