using FhirTrial.Trial.Safety;

namespace FhirTrial.Trial.Tests.Safety;

/// <summary>Subject counts on a small cohort counted by hand.</summary>
public class SafetySummaryTests
{
    private const string Hypertension = "10020772";
    private const string Diarrhoea = "10012735";
    private const string Fatigue = "10016256";
    private const string Pneumonitis = "10035742";

    private static readonly string[] OnStudy = ["S1", "S2", "S3", "S4", "S5", "S6"];

    private static AdverseEventRecord Ae(
        string subject, string term, int? grade, Causality causality, bool serious = false, Severity? severity = null) =>
        new(subject, term, term switch
        {
            Hypertension => "Hypertension",
            Diarrhoea => "Diarrhoea",
            Fatigue => "Fatigue",
            _ => "Pneumonitis",
        }, grade, severity, serious, causality);

    //  subject  term          grade           causality   serious
    //  S1       hypertension  2               related
    //  S1       hypertension  3 (same term)   related
    //  S1       diarrhoea     1               not related
    //  S2       hypertension  1               not related
    //  S2       fatigue       severe -> 3     possibly (related)
    //  S3       diarrhoea     moderate -> 2   not related  serious
    //  S4       pneumonitis   5               related      serious
    //  S5       fatigue       2               unknown
    //  S6       (no adverse event)
    //  S9       hypertension  4               related      -- not on study, ignored
    private static readonly AdverseEventRecord[] Cohort =
    [
        Ae("S1", Hypertension, 2, Causality.Related),
        Ae("S1", Hypertension, 3, Causality.Related),
        Ae("S1", Diarrhoea, 1, Causality.NotRelated),
        Ae("S2", Hypertension, 1, Causality.NotRelated),
        Ae("S2", Fatigue, null, AdverseEventCodes.ParseCausality("possibly"), severity: Severity.Severe),
        Ae("S3", Diarrhoea, null, Causality.NotRelated, serious: true, severity: Severity.Moderate),
        Ae("S4", Pneumonitis, 5, Causality.Related, serious: true),
        Ae("S5", Fatigue, 2, Causality.Unknown),
        Ae("S9", Hypertension, 4, Causality.Related),
    ];

    [Fact]
    public void Subject_counts()
    {
        var summary = SafetySummary.Compute(OnStudy, Cohort);

        Assert.Equal(6, summary.Subjects);
        Assert.Equal(5, summary.AnyAe);       // S1 S2 S3 S4 S5
        Assert.Equal(4, summary.AnyTrae);     // S1 S2 S4, and S5 whose causality is unknown
        Assert.Equal(3, summary.Grade3Trae);  // S1 (grade 3), S2 (severe), S4 (grade 5)
        Assert.Equal(2, summary.SeriousAe);   // S3 S4
        Assert.Equal(1, summary.Grade5Ae);    // S4
        Assert.Equal(2, summary.EventsGradedFromSeverity);
    }

    [Fact]
    public void Unknown_causality_can_be_counted_as_not_related()
    {
        var summary = SafetySummary.Compute(OnStudy, Cohort, unknownCausalityIsRelated: false);

        Assert.Equal(3, summary.AnyTrae);
        Assert.Equal(3, summary.Grade3Trae);
    }

    [Fact]
    public void Term_rows_count_each_subject_once_at_the_worst_grade_sorted_by_subjects_then_code()
    {
        var terms = SafetySummary.Compute(OnStudy, Cohort).Terms.Select(t => t with { All = GradeBands.Empty, Related = GradeBands.Empty });

        Assert.Equal(
            [
                new TermSummary(Diarrhoea, "Diarrhoea", Subjects: 2, Grade3Subjects: 0, MaxGrade: 2, GradeFromSeverity: true),
                new TermSummary(Fatigue, "Fatigue", Subjects: 2, Grade3Subjects: 1, MaxGrade: 3, GradeFromSeverity: true),
                new TermSummary(Hypertension, "Hypertension", Subjects: 2, Grade3Subjects: 1, MaxGrade: 3, GradeFromSeverity: false),
                new TermSummary(Pneumonitis, "Pneumonitis", Subjects: 1, Grade3Subjects: 1, MaxGrade: 5, GradeFromSeverity: false),
            ],
            terms);
    }

    [Fact]
    public void Term_rows_give_grade_bands_for_all_and_related_events()
    {
        var terms = SafetySummary.Compute(OnStudy, Cohort).Terms.ToDictionary(t => t.Code);

        // Hypertension: S1 worst 3 (related), S2 grade 1 (not related).
        Assert.Equal(new GradeBands(2, 1, 1, 0), terms[Hypertension].All);
        Assert.Equal(new GradeBands(1, 0, 1, 0), terms[Hypertension].Related);
        // Fatigue: S2 severe -> 3 (possibly related), S5 grade 2 with unknown causality (counted as related).
        Assert.Equal(new GradeBands(2, 1, 1, 0), terms[Fatigue].Related);
        // Pneumonitis: S4 grade 5 related.
        Assert.Equal(new GradeBands(1, 0, 0, 1), terms[Pneumonitis].All);
        // Diarrhoea: S1 grade 1, S3 moderate -> 2, neither related.
        Assert.Equal((new GradeBands(2, 2, 0, 0), GradeBands.Empty), (terms[Diarrhoea].All, terms[Diarrhoea].Related));
    }

    [Theory]
    // grade  severity   effective  from severity
    [InlineData(null, "mild", 1, true)]
    [InlineData(null, "moderate", 2, true)]
    [InlineData(null, "severe", 3, true)]
    [InlineData(2, "severe", 2, false)]
    [InlineData(4, null, 4, false)]
    [InlineData(null, null, null, false)]
    [InlineData(null, "life-threatening", null, false)]
    public void Severity_gives_the_grade_only_when_no_grade_is_recorded(int? grade, string? severity, int? effective, bool fromSeverity)
    {
        var ae = new AdverseEventRecord("S1", Fatigue, "Fatigue", grade, AdverseEventCodes.ParseSeverity(severity), false, Causality.Related);

        Assert.Equal(effective, ae.EffectiveGrade);
        Assert.Equal(fromSeverity, ae.GradeFromSeverity);
    }

    [Theory]
    [InlineData("related", Causality.Related)]
    [InlineData("possibly", Causality.Related)]
    [InlineData("probably", Causality.Related)]
    [InlineData("Probably", Causality.Related)]
    [InlineData("not-related", Causality.NotRelated)]
    [InlineData("unlikely", Causality.NotRelated)]
    [InlineData(null, Causality.Unknown)]
    [InlineData("unassessable", Causality.Unknown)]
    public void Causality_codes(string? code, Causality causality) =>
        Assert.Equal(causality, AdverseEventCodes.ParseCausality(code));

    [Fact]
    public void An_ungraded_event_counts_as_an_adverse_event_but_in_no_grade_column()
    {
        var summary = SafetySummary.Compute(["S1"], [Ae("S1", Fatigue, null, Causality.Related)]);

        Assert.Equal((1, 1, 0, 0), (summary.AnyAe, summary.AnyTrae, summary.Grade3Trae, summary.Grade5Ae));
        var term = Assert.Single(summary.Terms);
        Assert.Equal((1, 0, (int?)null), (term.Subjects, term.Grade3Subjects, term.MaxGrade));
    }

    [Fact]
    public void A_grade_3_event_not_related_is_not_a_grade_3_trae()
    {
        var summary = SafetySummary.Compute(["S1"], [Ae("S1", Diarrhoea, 3, Causality.NotRelated), Ae("S1", Fatigue, 1, Causality.Related)]);

        Assert.Equal((1, 0), (summary.AnyTrae, summary.Grade3Trae));
        Assert.Equal(1, summary.Terms.Single(t => t.Code == Diarrhoea).Grade3Subjects);
    }

    [Fact]
    public void An_empty_study()
    {
        var summary = SafetySummary.Compute([], []);

        Assert.Equal((0, 0, 0, 0, 0, 0), (summary.Subjects, summary.AnyAe, summary.AnyTrae, summary.Grade3Trae, summary.SeriousAe, summary.Grade5Ae));
        Assert.Empty(summary.Terms);
    }
}
