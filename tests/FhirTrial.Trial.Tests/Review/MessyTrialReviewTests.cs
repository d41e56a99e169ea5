using FhirTrial.Trial.Protocol;
using FhirTrial.Trial.Recist;
using FhirTrial.Trial.Settings;
using FhirTrial.Trial.Tests.Recist;
using static FhirTrial.Trial.Tests.Recist.RecistScenario;

namespace FhirTrial.Trial.Tests.Review;

/// <summary>
/// Wrong answers a review found on messy real-world data, now right: each comment (<c>// Was:</c>) gives what the server
/// answered, what it should, and the rule's source (ADR 0006, amended). Day 0 = first dose.
/// </summary>
public class MessyTrialReviewTests
{
    // Was: expected BOR SD (day-42 PR unconfirmed: the day-84 assessment is PD), actual BOR PR "confirmed by CR/PR
    // 2024-05-24", the very day of the PD. RECIST 1.1 section 4.4 (confirmation needs a later CR/PR, and nothing from
    // the PD assessment on counts) and CONTRACT section 4 (BOR counts time points up to the first PD). The CT report came
    // without an encounter, the non-target read with one, so TimePointGrouping made two time points on the same date,
    // PR (key "date:") sorted before PD (key "group:").
    [Fact]
    public void A_pr_on_the_same_day_as_the_pd_does_not_confirm_a_response()
    {
        var result = new RecistScenario().Target("T1").NonTarget("NT1")
            .Scan(-5, 50).Status(-5, "NT1", NonTargetStatus.Present)
            .Scan(42, 30).Status(42, "NT1", NonTargetStatus.Present)
            .Scan(84, 30).Status(84, "NT1", NonTargetStatus.UnequivocalProgression, encounter: "E2")
            .Evaluate();

        Assert.Equal(Day(84), result.ProgressionDate);
        Assert.Equal(Response.SD, result.BestOverallResponse);
        Assert.Null(result.FirstResponseDate);
    }

    private static readonly DateOnly DosingStart = new(2025, 1, 6);

    private static ProtocolFacts Dosed(DoseFact[] lenvatinib, DoseFact[] cadonilimab) =>
        new(DosingStart, [new WeightFact(DosingStart.AddDays(-3), 60m, "Observation/weight")], lenvatinib, cadonilimab, []);

    private static DoseFact Dose(int day, decimal mg, string id) => new(DosingStart.AddDays(day), mg, "MedicationAdministration/" + id);

    // Was: expected no lenvatinib-dose deviation (60 kg: 12 mg once daily, given on day 0 as 3 x 4 mg capsules recorded
    // as one 4 mg and one 8 mg administration, 12 mg that day), actual two deviations "start dose 4 mg" and "8 mg; 12 mg
    // expected": ProtocolDeviationDetector.LenvatinibStartDose compares each administration of the start day with the
    // daily dose. CONTRACT section 4 "Dosing": lenvatinib start dose 12 mg daily (the day's total; the registration text:
    // 12 mg once daily).
    [Fact]
    public void The_lenvatinib_start_dose_is_the_days_total()
    {
        var facts = Dosed([Dose(0, 4, "lenv-a"), Dose(0, 8, "lenv-b")], []);

        var deviations = ProtocolDeviationDetector.Detect(facts, StudySettings.Default, DosingStart.AddDays(10));

        Assert.DoesNotContain(deviations, d => d.Kind == DeviationKinds.LenvatinibDose);
    }

    // Was: expected no deviation (600 mg = 10 mg/kg x 60 kg given on day 0 as an infusion interrupted for a reaction
    // and completed the same day: 200 mg + 400 mg; next infusion day 21), actual three: two "cadonilimab-dose" (200 mg and
    // 400 mg each judged against 600 mg) and a "cadonilimab-interval" "given on day 0 after the previous dose, earlier
    // than day 18" (CadonilimabDoses / CadonilimabIntervals treat each administration as a dose of its own). CONTRACT
    // section 4 "Dosing": 10 mg/kg every 21 days; a dose given in parts on one day is one dose.
    [Fact]
    public void A_cadonilimab_dose_given_in_two_parts_on_one_day_is_one_dose()
    {
        var facts = Dosed([], [Dose(0, 200, "cado-a"), Dose(0, 400, "cado-b"), Dose(21, 600, "cado-c")]);

        var deviations = ProtocolDeviationDetector.Detect(facts, StudySettings.Default, DosingStart.AddDays(30));

        Assert.DoesNotContain(deviations, d => d.Kind.StartsWith("cadonilimab", StringComparison.Ordinal));
    }
}
