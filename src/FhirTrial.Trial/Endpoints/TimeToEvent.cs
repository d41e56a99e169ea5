using FhirTrial.Trial.Settings;

namespace FhirTrial.Trial.Endpoints;

/// <summary>Turns a subject's outcome into the time-to-event samples of PFS, OS, DOR and TTR (CONTRACT section 4).</summary>
public static class TimeToEvent
{
    /// <summary>First dose to the first PD or death; censored at the last evaluable assessment. Null when not treated.</summary>
    public static SurvivalSample? ProgressionFreeSurvival(SubjectOutcome subject, StudySettings settings) =>
        subject.FirstDose is { } firstDose ? ProgressionOrDeath(subject, firstDose, firstDose, settings) : null;

    /// <summary>First dose to death; censored at the last date known alive (at first dose when unknown).</summary>
    public static SurvivalSample? OverallSurvival(SubjectOutcome subject)
    {
        if (subject.FirstDose is not { } firstDose)
            return null;
        if (subject.DeathDate is { } death)
            return Sample(subject, firstDose, death, true, TimeToEventReasons.Death);
        var lastAlive = subject.LastKnownAliveDate is { } alive && alive > firstDose ? alive : firstDose;
        return Sample(subject, firstDose, lastAlive, false, TimeToEventReasons.LastKnownAlive);
    }

    /// <summary>A confirmed responder's first CR/PR to progression or death, censored as PFS. Null for others.</summary>
    public static SurvivalSample? DurationOfResponse(SubjectOutcome subject, StudySettings settings) =>
        subject is { IsConfirmedResponder: true, FirstDose: { } firstDose, FirstResponseDate: { } response }
            ? ProgressionOrDeath(subject, response, firstDose, settings)
            : null;

    /// <summary>First dose to a confirmed responder's first CR/PR, always an event. Null for others.</summary>
    public static SurvivalSample? TimeToResponse(SubjectOutcome subject) =>
        subject is { IsConfirmedResponder: true, FirstDose: { } firstDose, FirstResponseDate: { } response }
            ? Sample(subject, firstDose, response, true, TimeToEventReasons.Response)
            : null;

    private static SurvivalSample ProgressionOrDeath(SubjectOutcome subject, DateOnly origin, DateOnly firstDose, StudySettings settings)
    {
        DateOnly? eventDate = (subject.ProgressionDate, subject.DeathDate) switch
        {
            ({ } pd, { } death) => pd < death ? pd : death,
            ({ } pd, null) => pd,
            (null, { } death) => death,
            _ => null,
        };

        // The PD assessment is the event itself, not the last assessment before it.
        var lastAssessment = subject.EvaluableAssessmentDates
            .Where(d => d > firstDose && (eventDate is not { } e || d <= e) && d != subject.ProgressionDate
                        && (subject.NewTherapyDate is not { } t || d < t))
            .DefaultIfEmpty(firstDose)
            .Max();

        var censoredAt = lastAssessment == firstDose ? TimeToEventReasons.NoAssessment : TimeToEventReasons.LastEvaluableAssessment;
        if (eventDate is not { } date)
            return Sample(subject, origin, lastAssessment, false, censoredAt);

        // New anticancer therapy before the event: censored at the last evaluable assessment before it (FDA guidance
        // on endpoints, PFS censoring table). Assessments from the therapy on were already left out of the response.
        if (subject.NewTherapyDate is { } therapy && date >= therapy)
            return Sample(subject, origin, lastAssessment, false, TimeToEventReasons.NewTherapy);

        // An event after two missed assessments may have happened long before it was seen.
        return date.DayNumber - lastAssessment.DayNumber > settings.PfsMaxGapDays
            ? Sample(subject, origin, lastAssessment, false, TimeToEventReasons.MissedAssessments)
            : Sample(subject, origin, date, true, date == subject.ProgressionDate ? TimeToEventReasons.Progression : TimeToEventReasons.Death);
    }

    // A censoring before the origin (a DOR censored at an assessment before the response) counts as day 0, at the origin.
    private static SurvivalSample Sample(SubjectOutcome subject, DateOnly origin, DateOnly end, bool isEvent, string description) =>
        new(subject.SubjectId, Math.Max(0, end.DayNumber - origin.DayNumber), isEvent)
        {
            Origin = origin, End = end < origin ? origin : end, Description = description,
        };
}
