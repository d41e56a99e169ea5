namespace FhirTrial.Trial.Safety;

/// <summary>
/// One row of the table by system organ class and term: subjects counted once in the row at their worst grade, for all
/// events and for treatment-related ones, and how many of the row's events had no causality and were counted related.
/// </summary>
/// <param name="Code">The MedDRA code of the SOC or CTCAE term; for an unmapped term, the event's own code; null for the Unmapped SOC.</param>
public sealed record SafetyTableRow(string? Code, string Display, GradeBands All, GradeBands Related, int UnknownCausalityCountedRelated);

/// <summary>A system organ class row and its term rows.</summary>
public sealed record SocSummary(SafetyTableRow Soc, IReadOnlyList<SafetyTableRow> Terms);

/// <summary>
/// Adverse events by MedDRA system organ class and CTCAE v5.0 term, as oncology safety tables report them (CTCAE v5.0
/// files each term under one MedDRA SOC). An event whose term CTCAE does not list goes under the explicit
/// <see cref="Unmapped"/> SOC with its own code and name, so nothing drops out of the table.
/// </summary>
public static class SocTable
{
    public const string Unmapped = "Unmapped";

    /// <summary>SOCs by subjects (most first), then name, Unmapped last; terms likewise within their SOC.</summary>
    public static IReadOnlyList<SocSummary> Build(
        IEnumerable<AdverseEventRecord> events, CtcaeTerms ctcae, Func<AdverseEventRecord, bool> isRelated, bool unknownCausalityIsRelated = true)
    {
        var classified = events.Select(e => (Event: e, Term: ctcae.Find(e))).ToList();

        SafetyTableRow Row(string? code, string display, IReadOnlyCollection<AdverseEventRecord> rowEvents) => new(
            code, display, GradeBands.Of(rowEvents), GradeBands.Of(rowEvents.Where(isRelated)),
            unknownCausalityIsRelated ? rowEvents.Count(e => e.Causality == Causality.Unknown) : 0);

        return classified
            .GroupBy(c => c.Term?.SocCode)
            .Select(soc =>
            {
                var socEvents = soc.Select(c => c.Event).ToList();
                var terms = soc
                    .GroupBy(c => c.Term?.Code ?? c.Event.TermCode, StringComparer.Ordinal)
                    .Select(term => Row(term.Key, term.First().Term?.Term ?? DisplayOf(term.Select(c => c.Event)), term.Select(c => c.Event).ToList()))
                    .OrderByDescending(r => r.All.Any).ThenBy(r => r.Display, StringComparer.OrdinalIgnoreCase)
                    .ToList();
                var first = soc.First().Term;
                return new SocSummary(Row(first?.SocCode, first?.Soc ?? Unmapped, socEvents), terms);
            })
            .OrderBy(s => s.Soc.Code is null)
            .ThenByDescending(s => s.Soc.All.Any)
            .ThenBy(s => s.Soc.Display, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    private static string DisplayOf(IEnumerable<AdverseEventRecord> events)
    {
        var list = events.ToList();
        return list.Select(e => e.TermDisplay).FirstOrDefault(d => !string.IsNullOrWhiteSpace(d)) ?? list[0].TermCode;
    }
}
