using FhirTrial.Trial.Fhir.Common;
using FhirTrial.Trial.Fhir.Safety;
using Hl7.Fhir.Model;
using static FhirTrial.Trial.Fhir.Tests.Fhir;

namespace FhirTrial.Trial.Fhir.Tests;

/// <summary><c>$safety</c> on a small cohort counted by hand.</summary>
public sealed class SafetyOperationTests : IAsyncLifetime
{
    private const string Meddra = "http://terminology.hl7.org/CodeSystem/mdr";
    private readonly TrialStore _trial = new();

    public Task InitializeAsync() => _trial.InitializeAsync();
    public Task DisposeAsync() => _trial.DisposeAsync();

    private static AdverseEvent Ae(string patient, string code, string display, int? grade, string? causality,
        bool serious = false, string? severity = null, string suspect = "Medication/cadonilimab", string date = "2025-02-01")
    {
        var ae = new AdverseEvent
        {
            Actuality = AdverseEvent.AdverseEventActuality.Actual,
            Subject = new ResourceReference($"Patient/{patient}"),
            Date = date,
            Event = new CodeableConcept(Meddra, code, display),
            Seriousness = new CodeableConcept(TrialCodes.AdverseEventSeriousness, serious ? "serious" : "non-serious"),
            Severity = severity is null ? null : new CodeableConcept("http://terminology.hl7.org/CodeSystem/adverse-event-severity", severity),
        };
        if (grade is { } g) ae.SetExtension(TrialCodes.CtcaeGradeExtension, new Integer(g));
        if (causality is not null)
            ae.SuspectEntity.Add(new AdverseEvent.SuspectEntityComponent
            {
                Instance = new ResourceReference(suspect),
                Causality = [new AdverseEvent.CausalityComponent { Assessment = new CodeableConcept(TrialCodes.CausalitySystem, causality) }],
            });
        return ae;
    }

    [Fact]
    public async Task Counts_subjects_once_at_their_worst_grade()
    {
        foreach (var p in new[] { "s1", "s2", "s3", "s4", "s5", "outsider" })
            await _trial.PutAsync(Patient(p));
        await _trial.PutAllAsync(
        [
            Subject("rs1", "s1", "2025-01-01"), Subject("rs2", "s2", "2025-01-01"), Subject("rs3", "s3", "2025-01-01"),
            Subject("rs4", "s4", "2025-01-01"),
            Subject("rs5", "s5", "2025-01-01", ResearchSubject.ResearchSubjectStatus.Candidate),   // never enrolled
            // s1: nausea twice (grade 2 and 3, both related), hypertension grade 3 not related and serious.
            Ae("s1", "10028813", "Nausea", 2, "related"),
            Ae("s1", "10028813", "Nausea", 3, "probably-related"),
            Ae("s1", "10020772", "Hypertension", 3, "not-related", serious: true),
            // s2: nausea grade 1 not related; fatigue without grade, severe, possibly related (mapped to grade 3).
            Ae("s2", "10028813", "Nausea", 1, "not-related"),
            Ae("s2", "10016256", "Fatigue", null, "possibly-related", severity: "severe"),
            // s3: fatal sepsis, not related, serious; a related event blamed on a concomitant drug is not a TRAE.
            Ae("s3", "10040047", "Sepsis", 5, "not-related", serious: true),
            new Medication { Id = "amoxicillin" },
            Ae("s3", "10012735", "Diarrhoea", 1, "related", suspect: "Medication/amoxicillin"),
            // Every subject dosed on 2025-01-10 (s5 too: a candidate is still not in the population).
            Given("s1", "cadonilimab", "2025-01-10", 700m), Given("s2", "cadonilimab", "2025-01-10", 700m),
            Given("s3", "cadonilimab", "2025-01-10", 700m), Given("s4", "cadonilimab", "2025-01-10", 700m),
            Given("s5", "cadonilimab", "2025-01-10", 700m),
            // s4: nothing. s5 and the outsider are not subjects of the study.
            Ae("s5", "10028813", "Nausea", 4, "related"),
            Ae("outsider", "10028813", "Nausea", 4, "related"),
        ]);

        var result = (Parameters)(await new SafetyOperation(_trial.Records, PackageTerms.Ctcae)
            .ExecuteAsync(TrialStore.Get("ResearchStudy", TrialStore.StudyId, ("cutoff", "2025-06-30")), default)).Resource!;

        Assert.Equal(4, result.Out("subjects").Int());
        Assert.Equal(3, result.Out("anyAe").Int());
        Assert.Equal(2, result.Out("anyTrae").Int());      // s1 (nausea), s2 (fatigue)
        Assert.Equal(2, result.Out("grade3Trae").Int());   // s1 nausea 3, s2 fatigue severe = 3
        Assert.Equal(2, result.Out("seriousAe").Int());    // s1, s3
        Assert.Equal(1, result.Out("grade5Ae").Int());     // s3

        var terms = result.All("term").ToDictionary(t => ((Coding)t.Part("code")!).Code ?? "");
        Assert.Equal(5, terms.Count);
        Assert.Equal((2, 1, 3), Row(terms["10028813"]));
        Assert.Equal((1, 1, 3), Row(terms["10020772"]));
        Assert.Equal((1, 1, 3), Row(terms["10016256"]));
        Assert.Equal((1, 1, 5), Row(terms["10040047"]));
        Assert.Equal((1, 0, 1), Row(terms["10012735"]));
        Assert.Equal("Nausea", terms["10028813"].Part("display").Text());
        // Nausea by worst grade: s1 3 (related), s2 1 (not related).
        var nausea = terms["10028813"];
        Assert.Equal((1, 1, 0), (nausea.Part("grade1to2Subjects").Int(), nausea.Part("grade3to4Subjects").Int(), nausea.Part("grade5Subjects").Int()));
        Assert.Equal((1, 0, 1, 0), (nausea.Part("relatedSubjects").Int(), nausea.Part("relatedGrade1to2Subjects").Int(),
            nausea.Part("relatedGrade3to4Subjects").Int(), nausea.Part("relatedGrade5Subjects").Int()));
        Assert.Equal(Meddra, ((Coding)terms["10028813"].Part("code")!).System);
        Assert.Contains("severity", result.Out("note").Text());

        // By system organ class (CTCAE v5.0): GI has s1 nausea 3 and s3 diarrhoea 1 (by name: CTCAE "Diarrhea"), s2 nausea 1.
        var socs = result.All("soc").ToDictionary(s => s.Part("display").Text() ?? "");
        Assert.Equal(["Gastrointestinal disorders", "General disorders and administration site conditions",
            "Infections and infestations", "Vascular disorders"], socs.Keys.Order());
        var gi = socs["Gastrointestinal disorders"];
        Assert.Equal(("10017947", 3, 2, 1), (((Coding)gi.Part("code")!).Code, gi.Part("subjects").Int(),
            gi.Part("grade1to2Subjects").Int(), gi.Part("grade3to4Subjects").Int()));
        Assert.Equal(1, gi.Part("relatedSubjects").Int());   // s1; s3's diarrhoea was blamed on amoxicillin
        var diarrhea = gi.Part.Where(p => p.Name == "term").Single(t => t.Part("display").Text() == "Diarrhea");
        Assert.Equal(("10012727", Meddra), (((Coding)diarrhea.Part("code")!).Code, ((Coding)diarrhea.Part("code")!).System));
        Assert.Equal(0, gi.Part("unknownCausalityRelated").Int());
    }

    [Fact]
    public async Task Without_severity_mapping_there_is_no_note_and_unknown_study_is_404()
    {
        await _trial.PutAsync(Patient("s1"));
        await _trial.PutAllAsync([Subject("rs1", "s1", "2025-01-01"), Given("s1", "lenvatinib", "2025-01-10", 12m),
            Ae("s1", "10028813", "Nausea", 2, "related")]);
        var op = new SafetyOperation(_trial.Records, PackageTerms.Ctcae);

        var result = (Parameters)(await op.ExecuteAsync(TrialStore.Get("ResearchStudy", TrialStore.StudyId, ("cutoff", "2025-06-30")), default)).Resource!;
        Assert.Null(result.Out("note"));
        Assert.Equal(1, result.Out("anyTrae").Int());

        var e = await Assert.ThrowsAsync<FhirTrial.Fhir.Errors.FhirException>(() => op.ExecuteAsync(TrialStore.Get("ResearchStudy", "nope"), default));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, e.Status);
    }

    /// <summary>
    /// One subject dosed 2025-01-10 to 2025-03-01 (window to 2025-03-31): nausea before the first dose is pre-treatment,
    /// listed apart; fatigue on 2025-03-31 is the window's last day; rash on 2025-04-01 is after it; diarrhoea on
    /// 2025-02-20 has no causality and counts as related; a dose and an event after the cut-off count for nothing.
    /// </summary>
    [Fact]
    public async Task Only_treatment_emergent_events_of_dosed_subjects_count_at_the_cutoff()
    {
        foreach (var p in new[] { "s1", "s2" })
            await _trial.PutAsync(Patient(p));
        await _trial.PutAllAsync(
        [
            Subject("rs1", "s1", "2025-01-01"), Subject("rs2", "s2", "2025-01-01"),
            Given("s1", "cadonilimab", "2025-01-10", 700m), Given("s1", "cadonilimab", "2025-03-01", 700m),
            Given("s1", "cadonilimab", "2025-05-01", 700m),                   // after the cut-off
            Given("s2", "cadonilimab", "2025-05-02", 700m),                   // s2 first dosed after it: not in the population
            Ae("s1", "10028813", "Nausea", 1, "not-related", date: "2025-01-05"),
            Ae("s1", "10016256", "Fatigue", 3, "related", date: "2025-03-31"),
            Ae("s1", "10037844", "Rash", 2, "related", date: "2025-04-01"),
            Ae("s1", "10012735", "Diarrhoea", 1, null, date: "2025-02-20"),
            Ae("s1", "10020772", "Hypertension", 4, "related", date: "2025-04-20"), // after the cut-off
            Ae("s2", "10028813", "Nausea", 2, "related", date: "2025-01-20"),
        ]);

        var result = (Parameters)(await new SafetyOperation(_trial.Records, PackageTerms.Ctcae)
            .ExecuteAsync(TrialStore.Post("ResearchStudy", TrialStore.StudyId,
                new Parameters { { "cutoff", new Date("2025-04-15") } }), default)).Resource!;

        Assert.Equal("2025-04-15", result.Out("cutoff").Text());
        Assert.Equal(1, result.Out("subjects").Int());
        Assert.Equal((1, 1, 1), (result.Out("anyAe").Int(), result.Out("anyTrae").Int(), result.Out("grade3Trae").Int()));
        Assert.Equal(["10012735", "10016256"], result.All("term").Select(t => ((Coding)t.Part("code")!).Code));
        Assert.Equal(1, result.Out("unknownCausalityRelated").Int());
        Assert.Contains(result.All("note"), n => n.Value.Text().Contains("no causality"));
        Assert.Equal(1, result.Out("afterTreatmentWindow").Int());
        var before = Assert.Single(result.All("preTreatmentEvent"));
        Assert.Equal(("Patient/s1", "10028813", "2025-01-05"),
            (before.Part("subject").Ref(), ((Coding)before.Part("code")!).Code, before.Part("date").Text()));
    }

    private static (int, int, int) Row(Parameters.ParameterComponent term) =>
        (term.Part("subjects").Int(), term.Part("grade3Subjects").Int(), term.Part("maxGrade").Int());
}
