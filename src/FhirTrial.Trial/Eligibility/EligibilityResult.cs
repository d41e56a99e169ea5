namespace FhirTrial.Trial.Eligibility;

/// <summary>The verdict on a patient: any not-met is ineligible, else any unknown is undetermined.</summary>
public enum EligibilityOutcome
{
    Eligible,
    Ineligible,
    Undetermined,
}

/// <summary>The verdict on one criterion.</summary>
public enum CriterionStatus
{
    Met,
    NotMet,
    Unknown,
}

/// <summary>One criterion's status with the facts that decided it and why.</summary>
public sealed record CriterionResult(string Id, CriterionStatus Status, IReadOnlyList<string> Evidence, string Reason);

/// <summary>The outcome of the eligibility check with each criterion's result in the criteria's order.</summary>
public sealed record EligibilityResult(EligibilityOutcome Outcome, IReadOnlyList<CriterionResult> Criteria)
{
    public CriterionResult this[string id] => Criteria.First(c => c.Id == id);
}

/// <summary>The contract's codes for outcomes and statuses.</summary>
public static class EligibilityCodes
{
    public static string ToCode(this EligibilityOutcome outcome) => outcome switch
    {
        EligibilityOutcome.Eligible => "eligible",
        EligibilityOutcome.Ineligible => "ineligible",
        EligibilityOutcome.Undetermined => "undetermined",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };

    public static string ToCode(this CriterionStatus status) => status switch
    {
        CriterionStatus.Met => "met",
        CriterionStatus.NotMet => "not-met",
        CriterionStatus.Unknown => "unknown",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };
}
