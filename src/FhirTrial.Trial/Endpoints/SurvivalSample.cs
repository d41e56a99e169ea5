namespace FhirTrial.Trial.Endpoints;

/// <summary>One subject's time to event in days from the endpoint's origin; Event false means censored then.</summary>
public sealed record SurvivalSample(string SubjectId, int Days, bool Event)
{
    /// <summary>The endpoint's origin (first dose, or the first response for DOR): ADaM ADTTE <c>STARTDT</c>.</summary>
    public DateOnly? Origin { get; init; }

    /// <summary>The day of the event or censoring: ADaM ADTTE <c>ADT</c>.</summary>
    public DateOnly? End { get; init; }

    /// <summary>What the event was or why it was censored then (ADTTE <c>EVNTDESC</c> / <c>CNSDTDSC</c>).</summary>
    public string? Description { get; init; }
}

/// <summary>The events and censoring reasons of <see cref="TimeToEvent"/>, as ADaM ADTTE writes them.</summary>
public static class TimeToEventReasons
{
    public const string Progression = "PROGRESSIVE DISEASE";
    public const string Death = "DEATH";
    public const string Response = "CONFIRMED RESPONSE (CR OR PR)";
    public const string LastEvaluableAssessment = "LAST EVALUABLE ASSESSMENT";
    public const string NoAssessment = "NO EVALUABLE ASSESSMENT AFTER FIRST DOSE";
    public const string NewTherapy = "NEW ANTICANCER THERAPY";
    public const string MissedAssessments = "EVENT AFTER TWO OR MORE MISSED ASSESSMENTS";
    public const string LastKnownAlive = "LAST DATE KNOWN ALIVE";
}
