using FhirTrial.Trial.Eligibility;

namespace FhirTrial.Trial.Tests.Eligibility;

/// <summary>Each default criterion met, not met and unknown, on the screening day.</summary>
public class EligibilityCriteriaTests
{
    [Theory]
    // criterion                patient                                             status
    [InlineData("age-18", "eligible", "met")]
    [InlineData("age-18", "turns 18 on the screening day", "met")]
    [InlineData("age-18", "turns 18 the day after", "not-met")]
    [InlineData("age-18", "no birth date", "unknown")]
    [InlineData("ccrcc", "eligible", "met")]
    [InlineData("ccrcc", "papillary and clear cell", "met")]
    [InlineData("ccrcc", "papillary RCC", "not-met")]
    [InlineData("ccrcc", "no cancer diagnosis", "unknown")]          // absent history: manual review, never not-met
    [InlineData("ccrcc", "kidney cancer without histology", "unknown")]
    [InlineData("prior-io-progression", "eligible", "met")]
    // No prior immunotherapy, or no progression on it, in the record: absent history, so unknown (ADR 0006).
    [InlineData("prior-io-progression", "no immunotherapy, sunitinib only", "unknown")]
    [InlineData("prior-io-progression", "progression only before immunotherapy", "unknown")]
    [InlineData("prior-io-progression", "progression on the day immunotherapy started", "unknown")]
    [InlineData("prior-io-progression", "immunotherapy starts on the screening day", "unknown")]
    [InlineData("prior-io-progression", "progression recorded after the screening day", "unknown")]
    [InlineData("measurable-disease", "eligible", "met")]
    [InlineData("measurable-disease", "target lesion 10 mm", "met")]
    [InlineData("measurable-disease", "target lesion 9.9 mm", "not-met")]
    [InlineData("measurable-disease", "target node 15 mm short axis", "met")]
    [InlineData("measurable-disease", "target node 14 mm short axis", "not-met")]
    [InlineData("measurable-disease", "one small and one measurable lesion", "met")]
    [InlineData("measurable-disease", "lesion shrank below 10 mm on the latest scan", "not-met")]
    [InlineData("measurable-disease", "scan 28 days old", "met")]
    [InlineData("measurable-disease", "scan 29 days old", "unknown")]
    [InlineData("measurable-disease", "no lesion measured", "unknown")]
    [InlineData("measurable-disease", "only a non-target lesion measured", "unknown")]
    [InlineData("ecog-0-1", "eligible", "met")]
    [InlineData("ecog-0-1", "ECOG 0", "met")]
    [InlineData("ecog-0-1", "ECOG 2", "not-met")]
    [InlineData("ecog-0-1", "ECOG 2 then 1, latest counts", "met")]
    [InlineData("ecog-0-1", "ECOG 1 then 2, latest counts", "not-met")]
    [InlineData("ecog-0-1", "no ECOG", "unknown")]
    [InlineData("ecog-0-1", "ECOG 29 days old", "unknown")]
    [InlineData("anc", "ANC 1.5", "met")]
    [InlineData("anc", "ANC 1.49", "not-met")]
    [InlineData("anc", "no ANC", "unknown")]
    [InlineData("anc", "ANC 29 days old", "unknown")]
    [InlineData("anc", "ANC measured after the screening day", "unknown")]
    [InlineData("platelets", "platelets 100", "met")]
    [InlineData("platelets", "platelets 99", "not-met")]
    [InlineData("platelets", "no platelets", "unknown")]
    [InlineData("hemoglobin", "hemoglobin 90 g/L", "met")]
    [InlineData("hemoglobin", "hemoglobin 89 g/L", "not-met")]
    [InlineData("hemoglobin", "no hemoglobin", "unknown")]
    [InlineData("bilirubin", "bilirubin 1.5 x ULN", "met")]
    [InlineData("bilirubin", "bilirubin 1.51 x ULN", "not-met")]
    [InlineData("bilirubin", "bilirubin without ULN", "unknown")]
    [InlineData("bilirubin", "no bilirubin", "unknown")]
    [InlineData("transaminases", "eligible", "met")]
    [InlineData("transaminases", "ALT 2.5 x ULN", "met")]
    [InlineData("transaminases", "ALT 2.525 x ULN", "not-met")]
    [InlineData("transaminases", "AST 2.525 x ULN", "not-met")]
    [InlineData("transaminases", "no AST", "unknown")]
    [InlineData("transaminases", "ALT high and no AST", "not-met")]
    [InlineData("blood-pressure", "eligible", "met")]
    [InlineData("blood-pressure", "BP 150/90", "met")]
    [InlineData("blood-pressure", "BP 151/80", "not-met")]
    [InlineData("blood-pressure", "BP 140/91", "not-met")]
    [InlineData("blood-pressure", "two BP readings on the latest day, one high", "not-met")]
    [InlineData("blood-pressure", "BP systolic only", "unknown")]
    [InlineData("blood-pressure", "no BP", "unknown")]
    [InlineData("no-prior-lenvatinib", "eligible", "met")]
    [InlineData("no-prior-lenvatinib", "prior lenvatinib", "not-met")]
    [InlineData("no-prior-lenvatinib", "lenvatinib starts after the screening day", "met")]
    public void Criterion_status(string criterion, string patient, string status)
    {
        var result = EligibilityEvaluator.Evaluate(Patients.Scenarios[patient], EligibilityCriteria.Default, Patients.Screening);

        Assert.Equal(status, result[criterion].Status.ToCode());
    }

    [Theory]
    [InlineData("eligible", "eligible")]
    [InlineData("ANC 1.49", "ineligible")]
    [InlineData("no ANC", "undetermined")]
    [InlineData("kidney cancer without histology", "undetermined")]
    [InlineData("prior lenvatinib", "ineligible")]
    public void Outcome(string patient, string outcome)
    {
        var result = EligibilityEvaluator.Evaluate(Patients.Scenarios[patient], EligibilityCriteria.Default, Patients.Screening);

        Assert.Equal(outcome, result.Outcome.ToCode());
    }

    [Fact]
    public void The_eligible_patient_meets_all_twelve_in_the_Groups_order()
    {
        var result = EligibilityEvaluator.Evaluate(Patients.Eligible, EligibilityCriteria.Default, Patients.Screening);

        Assert.Equal(
            ["age-18", "ccrcc", "prior-io-progression", "measurable-disease", "ecog-0-1", "anc", "platelets",
             "hemoglobin", "bilirubin", "transaminases", "blood-pressure", "no-prior-lenvatinib"],
            result.Criteria.Select(c => c.Id));
        Assert.All(result.Criteria, c => Assert.Equal(CriterionStatus.Met, c.Status));
    }

    [Fact]
    public void Every_named_patient_appears_in_a_table()
    {
        var used = typeof(EligibilityCriteriaTests).GetMethods()
            .SelectMany(m => m.GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>())
            .SelectMany(a => a.GetData(null!).SelectMany(row => row.OfType<string>()))
            .ToHashSet();

        Assert.DoesNotContain(Patients.Scenarios.Keys, k => !used.Contains(k));
    }

    [Theory]
    [InlineData("age-18", "eligible", new[] { "Patient/p1" })]
    [InlineData("ccrcc", "eligible", new[] { "Condition/ccrcc" })]
    [InlineData("prior-io-progression", "eligible", new[] { "MedicationStatement/nivolumab", "Observation/progression" })]
    [InlineData("measurable-disease", "one small and one measurable lesion", new[] { "Observation/T2-10" })]
    [InlineData("ecog-0-1", "ECOG 2 then 1, latest counts", new[] { "Observation/ecog" })]
    [InlineData("transaminases", "eligible", new[] { "Observation/alt", "Observation/ast" })]
    [InlineData("blood-pressure", "eligible", new[] { "Observation/bp" })]
    [InlineData("no-prior-lenvatinib", "prior lenvatinib", new[] { "MedicationStatement/lenvatinib" })]
    public void Evidence_names_the_facts_that_decided(string criterion, string patient, string[] evidence)
    {
        var result = EligibilityEvaluator.Evaluate(Patients.Scenarios[patient], EligibilityCriteria.Default, Patients.Screening);

        Assert.Equal(evidence, result[criterion].Evidence);
    }

    [Fact]
    public void Reasons_say_what_was_found()
    {
        var result = EligibilityEvaluator.Evaluate(Patients.Scenarios["ANC 1.49"], EligibilityCriteria.Default, Patients.Screening);

        Assert.Contains("1.49", result["anc"].Reason);
        Assert.Contains(">= 1.5", result["anc"].Reason);
    }

    [Fact]
    public void Reasons_round_values_write_units_as_people_do_and_do_not_repeat_a_value()
    {
        // The same ANC sent twice on the latest day, with more decimals than the lab means.
        var patient = Patients.WithMeasurements(Patients.Lab("anc", 1.4567m, id: "a1"), Patients.Lab("anc", 1.4567m, id: "a2"));
        var result = EligibilityEvaluator.Evaluate(patient, EligibilityCriteria.Default, Patients.Screening);

        Assert.Equal($"anc 1.46 x10^9/L on {Patients.DaysBefore(3):yyyy-MM-dd}, needs anc >= 1.5 x10^9/L", result["anc"].Reason);
    }

    [Fact]
    public void Measurable_disease_reasons_give_each_lesion_size_once()
    {
        var small = EligibilityEvaluator.Evaluate(
            Patients.WithLesions(Patients.Lesion(9.94m), Patients.Lesion(14, node: true, id: "N1")), EligibilityCriteria.Default, Patients.Screening);
        Assert.Equal("no target lesion >= 10 mm (node >= 15 mm short axis): T1 9.94 mm, N1 14 mm short axis", small["measurable-disease"].Reason);

        var one = EligibilityEvaluator.Evaluate(
            Patients.WithLesions(Patients.Lesion(5, id: "T1"), Patients.Lesion(12.345m, id: "T2")), EligibilityCriteria.Default, Patients.Screening);
        Assert.Equal("1 measurable target lesion(s): T2 12.35 mm", one["measurable-disease"].Reason);
    }

    [Theory]
    [InlineData("2000-02-29", "2018-02-28", 17)]
    [InlineData("2000-02-29", "2018-03-01", 18)]
    [InlineData("1960-05-10", "2025-05-09", 64)]
    [InlineData("1960-05-10", "2025-05-10", 65)]
    public void Age_in_completed_years(string birth, string on, int years) =>
        Assert.Equal(years, EligibilityEvaluator.AgeInYears(DateOnly.Parse(birth), DateOnly.Parse(on)));
}
