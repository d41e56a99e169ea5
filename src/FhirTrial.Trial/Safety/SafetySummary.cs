namespace FhirTrial.Trial.Safety;

/// <summary>One row of the adverse-event table: subjects with the term, each counted once at its worst grade.</summary>
/// <param name="GradeFromSeverity">Some counted grade of this term came from severity, not CTCAE.</param>
public sealed record TermSummary(
    string Code,
    string Display,
    int Subjects,
    int Grade3Subjects,
    int? MaxGrade,
    bool GradeFromSeverity)
{
    /// <summary>Subjects by their worst grade of the term in the bands safety tables report (1-2, 3-4, 5).</summary>
    public GradeBands All { get; init; } = GradeBands.Empty;

    /// <summary>The same for treatment-related events only (unknown causality counted as related).</summary>
    public GradeBands Related { get; init; } = GradeBands.Empty;

    /// <summary>The CTCAE v5.0 term this row's code or name matches (with its SOC); null when CTCAE does not list it.</summary>
    public CtcaeTerm? Ctcae { get; init; }
}

/// <summary>Subject counts of one table row: any grade, and by worst grade 1-2, 3-4 and 5 (ungraded only in Any).</summary>
public sealed record GradeBands(int Any, int Grade1To2, int Grade3To4, int Grade5)
{
    public static GradeBands Empty { get; } = new(0, 0, 0, 0);

    /// <summary>Each subject once, at the worst grade of the events given.</summary>
    public static GradeBands Of(IEnumerable<AdverseEventRecord> events)
    {
        var worst = events.GroupBy(e => e.SubjectId, StringComparer.Ordinal).Select(g => g.Max(e => e.EffectiveGrade ?? 0)).ToList();
        return new(worst.Count, worst.Count(g => g is 1 or 2), worst.Count(g => g is 3 or 4), worst.Count(g => g == 5));
    }
}

/// <summary>Subject counts of the safety table (CONTRACT.md section 5 <c>$safety</c>).</summary>
/// <param name="EventsGradedFromSeverity">Events whose grade was mapped from severity, so readers can weigh the table.</param>
/// <param name="UnknownCausalityCountedRelated">Events without a causality assessment that were counted as related.</param>
public sealed record SafetySummary(
    int Subjects,
    int AnyAe,
    int AnyTrae,
    int Grade3Trae,
    int SeriousAe,
    int Grade5Ae,
    IReadOnlyList<TermSummary> Terms,
    int EventsGradedFromSeverity,
    int UnknownCausalityCountedRelated = 0)
{
    /// <summary>The table by system organ class and CTCAE term (ADR 0008), Unmapped last.</summary>
    public IReadOnlyList<SocSummary> SystemOrganClasses { get; init; } = [];

    public const int SevereGrade = 3;
    public const int FatalGrade = 5;

    /// <summary>
    /// Counts subjects, not events. Events of subjects outside <paramref name="subjectIds"/> are ignored.
    /// Unknown causality counts as treatment-related unless <paramref name="unknownCausalityIsRelated"/> is false
    /// (the conservative convention of safety tables).
    /// </summary>
    /// <param name="ctcae">The CTCAE terms for the table by system organ class; without them every event is Unmapped.</param>
    public static SafetySummary Compute(
        IEnumerable<string> subjectIds, IEnumerable<AdverseEventRecord> events, bool unknownCausalityIsRelated = true, CtcaeTerms? ctcae = null)
    {
        ArgumentNullException.ThrowIfNull(subjectIds);
        ArgumentNullException.ThrowIfNull(events);

        var subjects = subjectIds.ToHashSet(StringComparer.Ordinal);
        var onStudy = events.Where(e => subjects.Contains(e.SubjectId)).ToArray();

        bool IsRelated(AdverseEventRecord e) =>
            e.Causality == Causality.Related || (unknownCausalityIsRelated && e.Causality == Causality.Unknown);

        int SubjectsWith(Func<AdverseEventRecord, bool> predicate) =>
            onStudy.Where(predicate).Select(e => e.SubjectId).Distinct(StringComparer.Ordinal).Count();

        var terms = onStudy
            .GroupBy(e => e.TermCode, StringComparer.Ordinal)
            .Select(term => SummarizeTerm(term) with
            {
                All = GradeBands.Of(term), Related = GradeBands.Of(term.Where(IsRelated)), Ctcae = (ctcae ?? CtcaeTerms.Empty).Find(term.First()),
            })
            .OrderByDescending(t => t.Subjects)
            .ThenBy(t => t.Code, StringComparer.Ordinal)
            .ToArray();

        return new SafetySummary(
            Subjects: subjects.Count,
            AnyAe: SubjectsWith(_ => true),
            AnyTrae: SubjectsWith(IsRelated),
            Grade3Trae: SubjectsWith(e => IsRelated(e) && e.EffectiveGrade >= SevereGrade),
            SeriousAe: SubjectsWith(e => e.Serious),
            Grade5Ae: SubjectsWith(e => e.EffectiveGrade == FatalGrade),
            Terms: terms,
            EventsGradedFromSeverity: onStudy.Count(e => e.GradeFromSeverity),
            UnknownCausalityCountedRelated: unknownCausalityIsRelated ? onStudy.Count(e => e.Causality == Causality.Unknown) : 0)
        {
            SystemOrganClasses = SocTable.Build(onStudy, ctcae ?? CtcaeTerms.Empty, IsRelated, unknownCausalityIsRelated),
        };
    }

    private static TermSummary SummarizeTerm(IGrouping<string, AdverseEventRecord> term)
    {
        // Each subject once, at the worst grade they had for this term.
        var worstPerSubject = term
            .GroupBy(e => e.SubjectId, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(e => e.EffectiveGrade ?? 0).ThenBy(e => e.GradeFromSeverity).First())
            .ToArray();
        var display = term.Select(e => e.TermDisplay).FirstOrDefault(d => !string.IsNullOrWhiteSpace(d)) ?? term.Key;
        return new TermSummary(
            Code: term.Key,
            Display: display,
            Subjects: worstPerSubject.Length,
            Grade3Subjects: worstPerSubject.Count(e => e.EffectiveGrade >= SevereGrade),
            MaxGrade: worstPerSubject.Max(e => e.EffectiveGrade),
            GradeFromSeverity: worstPerSubject.Any(e => e.GradeFromSeverity));
    }
}
