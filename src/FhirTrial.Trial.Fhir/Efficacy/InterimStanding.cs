using FhirTrial.Trial.Endpoints;
using FhirTrial.Trial.Recist;
using FhirTrial.Trial.Settings;

namespace FhirTrial.Trial.Fhir.Efficacy;

/// <summary>
/// Where each enrolled subject stands for the Simon count on a given day, in enrollment order
/// (<c>ResearchSubject.period.start</c>, then id).
/// </summary>
/// <remarks>
/// The pending rules, chosen so that no subject is counted as a non-responder while a response could still be
/// confirmed, and none holds a stage open forever:
/// <list type="bullet">
/// <item>a confirmed CR/PR is a responder; PD or death without one is a non-responder;</item>
/// <item>no assessment with a verdict after baseline yet (best response NE), without PD or death: pending;</item>
/// <item>an unconfirmed CR/PR without PD or death: pending until the confirming scan is due and late — the later of the
/// confirmation interval and the assessment interval, plus the assessment window (49 days by default) — and a
/// non-responder after that;</item>
/// <item>SD or NON-CR/NON-PD: a non-responder as of now (the snapshot the interim look is);</item>
/// <item>enrolled and on study but not yet dosed: pending, keeping the enrollment slot that puts them in stage 1 or 2;
/// enrolled subjects who leave before any dose, and treated subjects without a measurable baseline, are outside the
/// response-evaluable population and not counted.</item>
/// </list>
/// </remarks>
public static class InterimStanding
{
    private static readonly HashSet<string> AwaitingFirstDose =
        new(["on-study", "on-study-intervention", "pending-on-study", "eligible"], StringComparer.Ordinal);

    public static IReadOnlyList<InterimSubject> InEnrollmentOrder(IReadOnlyList<StudySubject> subjects, StudySettings settings, DateOnly asOf) =>
        subjects
            .OrderBy(s => s.Facts.EnrollmentDate ?? DateOnly.MaxValue)
            .ThenBy(s => s.Facts.SubjectId, StringComparer.Ordinal)
            .Select(s => Of(s, settings, asOf))
            .OfType<InterimSubject>()
            .ToList();

    /// <summary>The subject's standing, or null when they are not part of the response-evaluable population.</summary>
    public static InterimSubject? Of(StudySubject subject, StudySettings settings, DateOnly asOf)
    {
        var outcome = subject.Outcome;
        InterimSubject As(InterimResponseStatus status) => new(outcome.SubjectId, status);

        if (!outcome.Treated)
            return subject.Facts.Status is { } status && AwaitingFirstDose.Contains(status) && outcome.DeathDate is null
                ? As(InterimResponseStatus.Pending)
                : null;
        if (!outcome.Evaluable) return null;
        if (outcome.IsConfirmedResponder) return As(InterimResponseStatus.Responder);
        if (outcome.ProgressionDate is not null || outcome.DeathDate is not null) return As(InterimResponseStatus.NonResponder);
        if (outcome.BestOverallResponse == Response.NE) return As(InterimResponseStatus.Pending);

        var firstUnconfirmed = subject.Recist?.TimePoints.FirstOrDefault(tp => tp.OverallResponse.IsObjectiveResponse())?.Date;
        if (firstUnconfirmed is { } responseDate)
        {
            var due = Math.Max(settings.ConfirmationIntervalDays, settings.AssessmentIntervalDays) + settings.AssessmentWindowDays;
            if (asOf.DayNumber - responseDate.DayNumber <= due) return As(InterimResponseStatus.Pending);
        }

        return As(InterimResponseStatus.NonResponder);
    }
}
