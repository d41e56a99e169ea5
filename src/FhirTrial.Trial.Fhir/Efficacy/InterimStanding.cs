using FhirTrial.Trial.Endpoints;
using FhirTrial.Trial.Recist;
using FhirTrial.Trial.Settings;

namespace FhirTrial.Trial.Fhir.Efficacy;

/// <summary>
/// The study's subjects as the Simon interim sees them at the cut-off, in enrollment order
/// (<c>ResearchSubject.period.start</c>, then id). The rule itself is <see cref="InterimSubject.Assess"/>.
/// </summary>
public static class InterimStanding
{
    // Enrolled and waiting for their first dose: they keep the enrollment slot that puts them in stage 1 or 2.
    private static readonly HashSet<string> AwaitingFirstDose =
        new(["on-study", "on-study-intervention", "pending-on-study", "eligible"], StringComparer.Ordinal);

    public static IReadOnlyList<InterimSubject> InEnrollmentOrder(IReadOnlyList<StudySubject> subjects, StudySettings settings, DateOnly cutoff) =>
        subjects
            .OrderBy(s => s.Facts.EnrollmentDate ?? DateOnly.MaxValue)
            .ThenBy(s => s.Facts.SubjectId, StringComparer.Ordinal)
            .Select(s => Of(s, settings, cutoff))
            .OfType<InterimSubject>()
            .ToList();

    /// <summary>The subject's standing, or null when they are not part of the response-evaluable population.</summary>
    public static InterimSubject? Of(StudySubject subject, StudySettings settings, DateOnly cutoff)
    {
        // Someone who left only after the cut-off was still on study, waiting for a first dose, at the cut-off.
        var awaiting = subject.Facts.Status is { } status && (AwaitingFirstDose.Contains(status) || status is "off-study" or "withdrawn" && !subject.Facts.LeftStudy);
        var firstResponse = subject.Recist?.TimePoints.FirstOrDefault(tp => tp.OverallResponse.IsObjectiveResponse())?.Date;
        return InterimSubject.Assess(subject.Outcome, awaiting, firstResponse, cutoff, settings);
    }
}
