using System.Globalization;
using FhirTrial.Trial.Recist;
using FhirTrial.Trial.Settings;

namespace FhirTrial.Trial.Endpoints;

/// <summary>Where a subject stands for the interim count.</summary>
public enum InterimResponseStatus
{
    Responder,
    NonResponder,
    /// <summary>No final outcome yet: not counted as evaluated.</summary>
    Pending,
}

/// <summary>A response-evaluable subject, in enrollment order, as the Simon interim analysis sees them, and why.</summary>
public sealed record InterimSubject(string SubjectId, InterimResponseStatus Status, string Reason = "")
{
    /// <summary>
    /// The interim counts final outcomes only (issue 15, ADR 0006): a wrong futility stop is the worst error an interim
    /// look can make, so a subject is a non-responder only when no confirmed response can still come. Final are:
    /// a confirmed CR/PR (responder); PD, death, leaving the study or new anticancer therapy (non-responder, whatever
    /// the last response, NE included); or <see cref="StudySettings.ResponseHorizonDays"/> passed since first dose at the
    /// cut-off (non-responder) — unless a CR/PR seen by then still awaits its confirming scan, which is not yet overdue
    /// (confirmation interval or assessment interval, whichever is later, plus the assessment window).
    /// Everyone else is pending. Null: outside the response-evaluable population (see <paramref name="awaitingFirstDose"/>).
    /// </summary>
    /// <param name="awaitingFirstDose">enrolled, on study and not yet dosed: pending, keeping their enrollment slot</param>
    /// <param name="firstUnconfirmedResponse">date of the first CR/PR time point of a subject not (yet) confirmed</param>
    public static InterimSubject? Assess(
        SubjectOutcome outcome, bool awaitingFirstDose, DateOnly? firstUnconfirmedResponse, DateOnly cutoff, StudySettings settings)
    {
        InterimSubject As(InterimResponseStatus status, string reason) => new(outcome.SubjectId, status, reason);

        if (outcome.FirstDose is not { } firstDose)
            return awaitingFirstDose && outcome.DeathDate is null && !outcome.LeftStudy
                ? As(InterimResponseStatus.Pending, "enrolled, not yet dosed")
                : null;
        if (!outcome.Evaluable) return null;

        if (outcome.IsConfirmedResponder)
            return As(InterimResponseStatus.Responder, $"confirmed {outcome.BestOverallResponse.ToCode()} from {Day(outcome.FirstResponseDate)}");
        if (outcome.ProgressionDate is { } pd)
            return As(InterimResponseStatus.NonResponder, $"PD on {Day(pd)}");
        if (outcome.DeathDate is { } death)
            return As(InterimResponseStatus.NonResponder, $"died on {Day(death)}");
        if (outcome.LeftStudy)
            return As(InterimResponseStatus.NonResponder,
                $"left the study{(outcome.LeftStudyDate is { } left ? " on " + Day(left) : "")} with best response {outcome.BestOverallResponse.ToCode()}");
        if (outcome.NewTherapyDate is { } therapy)
            return As(InterimResponseStatus.NonResponder, $"new anticancer therapy from {Day(therapy)}");

        var days = cutoff.DayNumber - firstDose.DayNumber;
        if (firstUnconfirmedResponse is { } response)
        {
            var due = response.AddDays(Math.Max(settings.ConfirmationIntervalDays, settings.AssessmentIntervalDays) + settings.AssessmentWindowDays);
            if (cutoff <= due)
                return As(InterimResponseStatus.Pending, $"CR/PR on {Day(response)} awaits confirmation (due by {Day(due)})");
        }

        if (days >= settings.ResponseHorizonDays)
            return As(InterimResponseStatus.NonResponder,
                $"{days} >= {settings.ResponseHorizonDays} days since first dose without a confirmed response (best {outcome.BestOverallResponse.ToCode()})");

        return As(InterimResponseStatus.Pending,
            $"day {days} of {settings.ResponseHorizonDays} since first dose, on study, best response so far {outcome.BestOverallResponse.ToCode()}");
    }

    private static string Day(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "?";
}
