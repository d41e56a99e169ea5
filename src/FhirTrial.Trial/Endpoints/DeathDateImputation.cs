namespace FhirTrial.Trial.Endpoints;

/// <summary>A date recorded to the day, month or year: the first and the last day it may mean.</summary>
public sealed record DateSpan(DateOnly Earliest, DateOnly Latest)
{
    public static DateSpan Day(DateOnly day) => new(day, day);
}

/// <summary>The day a death recorded to the month or year is taken to be.</summary>
public static class DeathDateImputation
{
    /// <summary>
    /// The later of the first day the death may mean and the last day the patient was known alive, within the recorded
    /// period: a death is never dated before a day the patient was seen alive. This is the usual SAP/ADaM imputation of
    /// a partial death date (FDA 2018 endpoints guidance: OS runs to the date of death; ADR 0006, amended). A full date
    /// stands as recorded.
    /// </summary>
    public static DateOnly Impute(DateSpan death, DateOnly? lastKnownAlive)
    {
        ArgumentNullException.ThrowIfNull(death);
        if (lastKnownAlive is not { } alive || alive <= death.Earliest) return death.Earliest;
        return alive < death.Latest ? alive : death.Latest;
    }
}
