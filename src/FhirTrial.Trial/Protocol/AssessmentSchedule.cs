using FhirTrial.Trial.Settings;

namespace FhirTrial.Trial.Protocol;

/// <summary>
/// The tumour assessment schedule (CONTRACT.md section 4 "Schedule"): visit k is due on firstDose + k x interval,
/// within +- the window, while the subject is followed (until progression, death, off-study or the evaluation date).
/// </summary>
public sealed class AssessmentSchedule
{
    private readonly DateOnly _firstDose;
    private readonly int _interval;
    private readonly int _window;

    public AssessmentSchedule(DateOnly firstDose, StudySettings settings)
    {
        if (settings.AssessmentIntervalDays <= 2 * settings.AssessmentWindowDays)
            throw new ArgumentException("Assessment windows must not overlap.", nameof(settings));
        _firstDose = firstDose;
        _interval = settings.AssessmentIntervalDays;
        _window = settings.AssessmentWindowDays;
    }

    public DateOnly Due(int visit) => _firstDose.AddDays(visit * _interval);

    public DateOnly WindowEnd(int visit) => Due(visit).AddDays(_window);

    /// <summary>
    /// The visit (1, 2, ...) whose due date is nearest the day; the first visit for days before it. Halfway between two
    /// visits the earlier one is chosen, since it is the one still owed.
    /// </summary>
    public int NearestVisit(DateOnly day)
    {
        var days = day.DayNumber - _firstDose.DayNumber;
        if (days <= _interval)
            return 1;
        var earlier = days / _interval;
        var pastEarlier = days - earlier * _interval;
        var beforeLater = _interval - pastEarlier;
        return beforeLater < pastEarlier ? earlier + 1 : earlier;
    }

    /// <summary>Days from the nearest visit's due date (negative when early).</summary>
    public int OffsetFromNearest(DateOnly day) => day.DayNumber - Due(NearestVisit(day)).DayNumber;

    public bool IsWithinWindow(DateOnly day) => Math.Abs(OffsetFromNearest(day)) <= _window;

    /// <summary>Visits whose whole window closed before the follow-up stopped: these must have happened.</summary>
    public IEnumerable<int> VisitsClosedBefore(DateOnly stop)
    {
        for (var visit = 1; WindowEnd(visit) < stop; visit++)
            yield return visit;
    }
}
