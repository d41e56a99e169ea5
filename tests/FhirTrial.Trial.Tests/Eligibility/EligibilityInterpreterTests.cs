using CsCheck;
using FhirTrial.Trial.Eligibility;

namespace FhirTrial.Trial.Tests.Eligibility;

/// <summary>Criteria are data: the thresholds in them, not in code, decide.</summary>
public class EligibilityInterpreterTests
{
    private static CriterionStatus StatusOf(EligibilityCriterion criterion, PatientFacts patient) =>
        EligibilityEvaluator.Evaluate(patient, [criterion], Patients.Screening).Criteria.Single().Status;

    private static EligibilityCriterion Default(string id) => EligibilityCriteria.Default.Single(c => c.Id == id);

    [Theory]
    // ANC 2.0 is enough for >= 1.5 but not for >= 2.5
    [InlineData(1.5, "met")]
    [InlineData(2.0, "met")]
    [InlineData(2.5, "not-met")]
    public void Changing_the_ANC_limit_changes_the_answer(double limit, string status)
    {
        var criterion = EligibilityCriterion.LatestMeasurement("anc", "anc", Comparator.GreaterOrEqual, (decimal)limit, "10*9/L", 28);

        Assert.Equal(status, StatusOf(criterion, Patients.Eligible).ToCode());
    }

    [Theory]
    [InlineData(18, "met")]
    [InlineData(65, "met")]
    [InlineData(66, "not-met")]
    public void Changing_the_minimum_age_changes_the_answer(int years, string status) =>
        Assert.Equal(status, StatusOf(EligibilityCriterion.MinimumAge("age", years), Patients.Eligible).ToCode());

    [Theory]
    [InlineData(28, "unknown")]
    [InlineData(45, "met")]
    public void Changing_the_lookback_changes_which_labs_count(int lookbackDays, string status)
    {
        var patient = Patients.WithMeasurements(Patients.Lab("platelets", 180, daysBefore: 40));
        var criterion = Default("platelets") with { LookbackDays = lookbackDays };

        Assert.Equal(status, StatusOf(criterion, patient).ToCode());
    }

    [Theory]
    [InlineData(10, "met")]
    [InlineData(26, "not-met")]
    public void Changing_the_lesion_size_changes_the_answer(int minMm, string status)
    {
        var criterion = EligibilityCriterion.MeasurableDisease("measurable", minMm, 15, 28);

        Assert.Equal(status, StatusOf(criterion, Patients.Eligible).ToCode());
    }

    [Fact]
    public void Changing_the_ULN_multiple_changes_the_answer()
    {
        var patient = Patients.WithMeasurements(Patients.Lab("bilirubin", 40, uln: 21));

        Assert.Equal(CriterionStatus.NotMet, StatusOf(Default("bilirubin"), patient));
        Assert.Equal(CriterionStatus.Met, StatusOf(
            EligibilityCriterion.LatestMeasurement("bilirubin", "bilirubin", Comparator.LessOrEqual, 3, "umol/L", 28, timesUpperLimitOfNormal: true),
            patient));
    }

    [Fact]
    public void Blood_pressure_limits_are_data_too()
    {
        var criterion = new EligibilityCriterion("bp", CriterionKind.LatestMeasurement)
        {
            Limits = [new("systolic", Comparator.LessOrEqual, 140, "mm[Hg]"), new("diastolic", Comparator.LessOrEqual, 90, "mm[Hg]")],
            LookbackDays = 28,
        };

        Assert.Equal(CriterionStatus.Met, StatusOf(criterion, Patients.Eligible));
        Assert.Equal(CriterionStatus.NotMet, StatusOf(criterion, Patients.Scenarios["BP 150/90"]));
    }

    [Fact]
    public void The_bp_key_stands_for_systolic_and_diastolic()
    {
        var criterion = EligibilityCriterion.LatestMeasurement("bp", "bp", Comparator.LessOrEqual, 150, "mm[Hg]", 28);

        Assert.Equal(["systolic", "diastolic"], criterion.Limits.Select(l => l.FactKey));
        Assert.Equal(CriterionStatus.Met, StatusOf(criterion, Patients.Eligible));
    }

    [Fact]
    public void Exclude_turns_any_kind_into_an_exclusion()
    {
        // "no ECOG above 1" written as an exclusion of ECOG >= 2
        var exclusion = EligibilityCriterion.LatestMeasurement("ecog-2-plus", "ecog", Comparator.GreaterOrEqual, 2, "{score}", 28)
            with { Exclude = true };

        Assert.Equal(CriterionStatus.Met, StatusOf(exclusion, Patients.Eligible));
        Assert.Equal(CriterionStatus.NotMet, StatusOf(exclusion, Patients.Scenarios["ECOG 2"]));
        Assert.Equal(CriterionStatus.Unknown, StatusOf(exclusion, Patients.Scenarios["no ECOG"]));
    }

    [Fact]
    public void An_inclusion_of_prior_therapy_is_the_same_kind_without_exclude()
    {
        var criterion = EligibilityCriterion.NoPriorTherapy("prior-io", "immunotherapy") with { Exclude = false };

        Assert.Equal(CriterionStatus.Met, StatusOf(criterion, Patients.Eligible));
    }

    [Theory]
    [InlineData(">=", Comparator.GreaterOrEqual)]
    [InlineData(">", Comparator.Greater)]
    [InlineData("<=", Comparator.LessOrEqual)]
    [InlineData("<", Comparator.Less)]
    [InlineData("=", Comparator.Equal)]
    [InlineData("ge", Comparator.GreaterOrEqual)]
    public void Comparators_read_FHIR_symbols(string symbol, Comparator comparator) =>
        Assert.Equal(comparator, Comparators.Parse(symbol));

    [Theory]
    [InlineData(Comparator.GreaterOrEqual, 1.5, true)]
    [InlineData(Comparator.Greater, 1.5, false)]
    [InlineData(Comparator.LessOrEqual, 1.5, true)]
    [InlineData(Comparator.Less, 1.5, false)]
    [InlineData(Comparator.Equal, 1.5, true)]
    [InlineData(Comparator.Less, 1.6, true)]
    public void Comparators_at_the_limit(Comparator comparator, double limit, bool holds) =>
        Assert.Equal(holds, comparator.Holds(1.5m, (decimal)limit));

    [Fact]
    public void A_criterion_without_what_it_needs_is_a_programming_error()
    {
        var broken = new EligibilityCriterion("x", CriterionKind.DiagnosisPresent);

        Assert.Throws<ArgumentException>(() => EligibilityEvaluator.Evaluate(Patients.Eligible, [broken], Patients.Screening));
    }

    [Fact]
    public void No_criteria_is_eligible()
    {
        Assert.Equal(EligibilityOutcome.Eligible, EligibilityEvaluator.Evaluate(PatientFacts.Empty, [], Patients.Screening).Outcome);
    }

    [Fact]
    public void Unknown_data_never_yields_eligible()
    {
        // Any subset of the eligible patient's measurements: eligible only when every criterion is met.
        var measurements = Patients.Eligible.Measurements;
        Gen.Bool.Array[measurements.Count].Sample(keep =>
        {
            var patient = Patients.Eligible with { Measurements = measurements.Where((_, i) => keep[i]).ToArray() };
            var result = EligibilityEvaluator.Evaluate(patient, EligibilityCriteria.Default, Patients.Screening);

            var allKept = keep.All(k => k);
            return (result.Outcome == EligibilityOutcome.Eligible) == allKept
                && (allKept || result.Outcome == EligibilityOutcome.Undetermined);
        });
    }

    [Fact]
    public void Outcome_follows_the_worst_status()
    {
        var statuses = Gen.Enum<CriterionStatus>().Array[1, 6];
        statuses.Sample(wanted =>
        {
            // One stub criterion per wanted status, built from the eligible patient's facts.
            var criteria = wanted.Select((status, i) => status switch
            {
                CriterionStatus.Met => EligibilityCriterion.MinimumAge($"c{i}", 18),
                CriterionStatus.NotMet => EligibilityCriterion.MinimumAge($"c{i}", 99),
                _ => EligibilityCriterion.LatestMeasurement($"c{i}", "troponin", Comparator.LessOrEqual, 1, "ng/L", 28),
            }).ToArray();
            var outcome = EligibilityEvaluator.Evaluate(Patients.Eligible, criteria, Patients.Screening).Outcome;

            var expected = wanted.Contains(CriterionStatus.NotMet) ? EligibilityOutcome.Ineligible
                : wanted.Contains(CriterionStatus.Unknown) ? EligibilityOutcome.Undetermined
                : EligibilityOutcome.Eligible;
            return outcome == expected;
        });
    }

    [Fact]
    public void Absent_history_is_unknown_for_an_inclusion_and_met_for_an_exclusion()
    {
        var noHistory = Patients.Eligible with { Diagnoses = [], Therapies = [], Progressions = [] };

        var result = EligibilityEvaluator.Evaluate(noHistory, EligibilityCriteria.Default, Patients.Screening);

        Assert.Equal(CriterionStatus.Unknown, result.Criteria.Single(c => c.Id == "ccrcc").Status);
        Assert.Equal(CriterionStatus.Unknown, result.Criteria.Single(c => c.Id == "prior-io-progression").Status);
        Assert.Equal(CriterionStatus.Met, result.Criteria.Single(c => c.Id == "no-prior-lenvatinib").Status);
        Assert.Equal(EligibilityOutcome.Undetermined, result.Outcome);
        Assert.Contains("manual review", result.Criteria.Single(c => c.Id == "ccrcc").Reason);
    }

    [Fact]
    public void Reasons_round_values_write_units_as_people_do_and_do_not_repeat()
    {
        // The same systolic reading twice on the latest day (a panel and a separate Observation), and a fractional ANC.
        var patient = Patients.WithMeasurements(
            Patients.Lab("systolic", 145.000m, id: "Observation/a"), Patients.Lab("systolic", 145m, id: "Observation/b"),
            Patients.Lab("anc", 1.8333m));

        var result = EligibilityEvaluator.Evaluate(patient, EligibilityCriteria.Default, Patients.Screening);

        var bp = result.Criteria.Single(c => c.Id == "blood-pressure").Reason;
        Assert.Contains("systolic 145 mmHg on", bp);
        Assert.DoesNotContain("145 mmHg, systolic 145", bp);
        Assert.DoesNotContain("mm[Hg]", bp);
        Assert.Contains("anc 1.83 x10^9/L", result.Criteria.Single(c => c.Id == "anc").Reason);
    }
}
