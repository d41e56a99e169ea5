namespace FhirTrial.Trial.Endpoints;

/// <summary>The Simon interim verdict.</summary>
public enum InterimDecision
{
    /// <summary>Stage 1 is neither complete nor passed.</summary>
    Pending,
    /// <summary>Stage 1 passed; stage 2 is enrolling and the total is not yet above r.</summary>
    Continue,
    /// <summary>Stage 1 complete with at most r1 responses: stop for futility.</summary>
    Stop,
    /// <summary>More than r responses after stage 1 was passed.</summary>
    Promising,
    /// <summary>All n evaluated with at most r responses.</summary>
    NotPromising,
}

/// <summary>The contract's codes for <see cref="InterimDecision"/>.</summary>
public static class InterimDecisionCodes
{
    public static string ToCode(this InterimDecision decision) => decision switch
    {
        InterimDecision.Pending => "pending",
        InterimDecision.Continue => "continue",
        InterimDecision.Stop => "stop",
        InterimDecision.Promising => "promising",
        InterimDecision.NotPromising => "not-promising",
        _ => throw new ArgumentOutOfRangeException(nameof(decision)),
    };
}
