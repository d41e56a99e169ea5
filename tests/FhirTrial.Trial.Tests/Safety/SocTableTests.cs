using FhirTrial.Trial.Safety;

namespace FhirTrial.Trial.Tests.Safety;

/// <summary>The table by system organ class and CTCAE term (ADR 0008), counted by hand.</summary>
public class SocTableTests
{
    private const string Vascular = "10047065";
    private const string Gastrointestinal = "10017947";

    // A slice of CTCAE v5.0 (profiles/ConceptMap-ctcae-v5-soc.json): code, term, SOC as NCI lists them.
    private static readonly CtcaeTerms Ctcae = new(
    [
        new CtcaeTerm("10020772", "Hypertension", Vascular, "Vascular disorders"),
        new CtcaeTerm("10012727", "Diarrhea", Gastrointestinal, "Gastrointestinal disorders"),
        new CtcaeTerm("10028813", "Nausea", Gastrointestinal, "Gastrointestinal disorders"),
        new CtcaeTerm("10054524", "Palmar-plantar erythrodysesthesia syndrome", "10040785", "Skin and subcutaneous tissue disorders"),
    ]);

    private static AdverseEventRecord Ae(string subject, string code, string display, int grade, Causality causality) =>
        new(subject, code, display, grade, null, false, causality);

    //  subject  event as coded                          grade  causality     CTCAE term (SOC)
    //  S1       Hypertension 10020772                   2      related       Hypertension (Vascular)
    //  S1       Hypertension 10020772                   3      related       Hypertension (Vascular)
    //  S1       Diarrhoea 10012735 (MedDRA PT, UK)      1      not related   Diarrhea by name (GI)
    //  S2       Diarrhea 10012727                       3      none given    Diarrhea (GI), counted related
    //  S2       Nausea 10028813                         2      related       Nausea (GI)
    //  S3       Pyrexia 10037660                        1      related       not a CTCAE term: Unmapped
    //  S4       Hypertension 10020772                   5      not related   Hypertension (Vascular)
    private static readonly AdverseEventRecord[] Events =
    [
        Ae("S1", "10020772", "Hypertension", 2, Causality.Related),
        Ae("S1", "10020772", "Hypertension", 3, Causality.Related),
        Ae("S1", "10012735", "Diarrhoea", 1, Causality.NotRelated),
        Ae("S2", "10012727", "Diarrhea", 3, Causality.Unknown),
        Ae("S2", "10028813", "Nausea", 2, Causality.Related),
        Ae("S3", "10037660", "Pyrexia", 1, Causality.Related),
        Ae("S4", "10020772", "Hypertension", 5, Causality.NotRelated),
    ];

    private static IReadOnlyList<SocSummary> Table() =>
        SafetySummary.Compute(["S1", "S2", "S3", "S4"], Events, ctcae: Ctcae).SystemOrganClasses;

    [Fact]
    public void Socs_by_subjects_then_name_and_unmapped_last()
    {
        Assert.Equal(["Gastrointestinal disorders", "Vascular disorders", SocTable.Unmapped], Table().Select(s => s.Soc.Display));
        Assert.Equal([Gastrointestinal, Vascular, null], Table().Select(s => s.Soc.Code));
    }

    [Fact]
    public void A_soc_row_counts_each_subject_once_at_the_worst_grade_of_any_of_its_terms()
    {
        var gi = Table()[0].Soc;
        // S1 worst 1 (diarrhoea), S2 worst 3 (diarrhea 3, nausea 2).
        Assert.Equal(new GradeBands(2, 1, 1, 0), gi.All);
        // Related: S2 only (diarrhea without causality counts related, grade 3); S1's diarrhoea was not related.
        Assert.Equal(new GradeBands(1, 0, 1, 0), gi.Related);
        Assert.Equal(1, gi.UnknownCausalityCountedRelated);
    }

    [Fact]
    public void Term_rows_merge_codings_of_one_ctcae_term_and_count_bands()
    {
        var gi = Table()[0].Terms;
        Assert.Equal(["Diarrhea", "Nausea"], gi.Select(t => t.Display));
        var diarrhea = gi[0];
        Assert.Equal("10012727", diarrhea.Code);                       // CTCAE's code, whatever code the event carried
        Assert.Equal(new GradeBands(2, 1, 1, 0), diarrhea.All);         // S1 grade 1, S2 grade 3
        Assert.Equal(new GradeBands(1, 0, 1, 0), diarrhea.Related);     // S2, no causality
        Assert.Equal(1, diarrhea.UnknownCausalityCountedRelated);

        var hypertension = Assert.Single(Table()[1].Terms);
        Assert.Equal(new GradeBands(2, 0, 1, 1), hypertension.All);     // S1 worst 3 (2 and 3 counted once), S4 grade 5
        Assert.Equal(new GradeBands(1, 0, 1, 0), hypertension.Related); // S1
    }

    [Fact]
    public void An_event_ctcae_does_not_list_goes_under_unmapped_with_its_own_code_and_count()
    {
        var unmapped = Table()[2];
        Assert.Equal(new GradeBands(1, 1, 0, 0), unmapped.Soc.All);
        var pyrexia = Assert.Single(unmapped.Terms);
        Assert.Equal(("10037660", "Pyrexia"), (pyrexia.Code, pyrexia.Display));
    }

    [Fact]
    public void Without_the_ctcae_terms_every_event_is_unmapped()
    {
        var table = SafetySummary.Compute(["S1", "S2", "S3", "S4"], Events).SystemOrganClasses;
        var only = Assert.Single(table);
        Assert.Equal(SocTable.Unmapped, only.Soc.Display);
        Assert.Equal(4, only.Soc.All.Any);
    }

    [Theory]
    [InlineData("Diarrhoea", "Diarrhea")]
    [InlineData("DIARRHEA ", "Diarrhea")]
    [InlineData("Palmar-plantar erythrodysaesthesia syndrome", "Palmar-plantar erythrodysesthesia syndrome")]
    [InlineData("palmar plantar erythrodysesthesia syndrome", "Palmar-plantar erythrodysesthesia syndrome")]
    public void A_name_finds_its_term_case_punctuation_and_british_spelling_aside(string name, string term)
    {
        var found = Ctcae.Find(new AdverseEventRecord("S1", "local-1", name, 1, null, false, Causality.Related));
        Assert.Equal(term, found?.Term);
    }

    [Fact]
    public void A_code_wins_over_a_name_and_synonyms_are_not_guessed()
    {
        var byCode = new AdverseEventRecord("S1", "10028813", "Feeling sick", 1, null, false, Causality.Related);
        Assert.Equal("Nausea", Ctcae.Find(byCode)?.Term);
        var synonym = new AdverseEventRecord("S1", "local-2", "High blood pressure", 1, null, false, Causality.Related);
        Assert.Null(Ctcae.Find(synonym));
    }
}
