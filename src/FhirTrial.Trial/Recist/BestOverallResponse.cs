using FhirTrial.Trial.Settings;

namespace FhirTrial.Trial.Recist;

/// <summary>
/// The confirmed best overall response (CONTRACT section 4) with the first response date of a confirmed responder
/// and the date of the first PD time point.
/// </summary>
public sealed record BestOverallResponse(Response Response, DateOnly? FirstResponseDate, DateOnly? ProgressionDate, IReadOnlyList<string> Reasons)
{
    /// <param name="timePoints">overall responses after baseline, in date order</param>
    /// <param name="hasTargetDisease">false for non-measurable-only disease, whose stable category is NON-CR/NON-PD</param>
    public static BestOverallResponse Evaluate(
        IReadOnlyList<(DateOnly Date, Response Overall)> timePoints, DateOnly firstDose, bool hasTargetDisease, StudySettings settings)
    {
        var firstPd = timePoints.ToList().FindIndex(tp => tp.Overall == Response.PD);
        DateOnly? progression = firstPd >= 0 ? timePoints[firstPd].Date : null;
        // Nothing from the first PD's date on counts towards the best response but the PD itself: a CR/PR time point on
        // the same day (a CT read apart from a non-target read in an encounter) neither confirms nor is confirmed
        // (RECIST 1.1 section 4.4; CONTRACT section 4: BOR counts time points up to the first PD; ADR 0006, amended).
        IReadOnlyList<(DateOnly Date, Response Overall)> considered = progression is { } pdDate
            ? [.. timePoints.Where(tp => tp.Date < pdDate), timePoints[firstPd]]
            : timePoints;
        var interval = settings.ConfirmationIntervalDays;

        if (FindConfirmed(considered, r => r == Response.CR, interval) is { } cr)
            return new(Response.CR, FirstObjectiveResponse(considered), progression,
                [$"CR {cr.First:yyyy-MM-dd} confirmed by CR {cr.Confirmation:yyyy-MM-dd} (>= {interval} days)"]);

        if (FindConfirmed(considered, r => r.IsObjectiveResponse(), interval) is { } pr)
            return new(Response.PR, FirstObjectiveResponse(considered), progression,
                [$"CR/PR {pr.First:yyyy-MM-dd} confirmed by CR/PR {pr.Confirmation:yyyy-MM-dd} (>= {interval} days)"]);

        var reasons = new List<string>();
        if (considered.Any(tp => tp.Overall.IsObjectiveResponse()))
            reasons.Add($"CR/PR not confirmed by another >= {interval} days later");

        var stableFrom = firstDose.AddDays(settings.SdMinimumDays);
        var stableIndex = considered.ToList().FindIndex(tp => tp.Overall.IsDiseaseControl() && tp.Date >= stableFrom);
        if (stableIndex >= 0)
        {
            var stable = considered[stableIndex];
            reasons.Add($"{stable.Overall.ToCode()} on {stable.Date:yyyy-MM-dd}, >= {settings.SdMinimumDays} days after first dose");
            return new(hasTargetDisease ? Response.SD : Response.NonCrNonPd, null, progression, reasons);
        }

        if (considered.Any(tp => tp.Overall.IsDiseaseControl()))
            reasons.Add($"no stable disease >= {settings.SdMinimumDays} days after first dose");

        if (progression is { } pd)
        {
            reasons.Add($"PD on {pd:yyyy-MM-dd}");
            return new(Response.PD, null, progression, reasons);
        }

        reasons.Add(considered.Count == 0 ? "no assessment after baseline" : "no evaluable response");
        return new(Response.NE, null, null, reasons);
    }

    // SD and NE in between do not break a confirmation, and PD never lies in between: the list stops at the first PD.
    private static (DateOnly First, DateOnly Confirmation)? FindConfirmed(
        IReadOnlyList<(DateOnly Date, Response Overall)> timePoints, Func<Response, bool> qualifies, int intervalDays)
    {
        var candidates = timePoints.Where(tp => qualifies(tp.Overall)).Select(tp => tp.Date).ToList();
        foreach (var first in candidates)
        {
            var confirmations = candidates.Where(d => d.DayNumber - first.DayNumber >= intervalDays).ToList();
            if (confirmations.Count > 0)
                return (first, confirmations[0]);
        }

        return null;
    }

    // For a confirmed responder the first CR/PR is always itself confirmed by the later pair's second member.
    private static DateOnly FirstObjectiveResponse(IReadOnlyList<(DateOnly Date, Response Overall)> timePoints) =>
        timePoints.First(tp => tp.Overall.IsObjectiveResponse()).Date;
}
