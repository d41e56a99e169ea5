using FhirTrial.Trial.Settings;

namespace FhirTrial.Trial.Safety;

/// <summary>A subject of the safety population: their first and last study-drug dose on or before the cut-off.</summary>
public sealed record SubjectExposure(string SubjectId, DateOnly FirstDose, DateOnly LastDose);

/// <summary>When an adverse event began relative to study treatment.</summary>
public enum AdverseEventTiming
{
    /// <summary>Before the first dose: medical history, listed apart.</summary>
    PreTreatment,
    TreatmentEmergent,
    /// <summary>Later than the last dose plus the TEAE window (or after the cut-off).</summary>
    AfterTreatmentWindow,
}

/// <summary>The safety analysis at a cut-off: the treatment-emergent table and the events kept out of it.</summary>
/// <param name="UndatedEvents">treatment-emergent events counted so because they carry no onset date</param>
public sealed record SafetyAnalysis(
    SafetySummary Summary,
    IReadOnlyList<AdverseEventRecord> PreTreatment,
    IReadOnlyList<AdverseEventRecord> AfterTreatmentWindow,
    int UndatedEvents);

/// <summary>
/// Treatment-emergent adverse events as safety tables report them (ICH E3 12.2; ICH E9 "safety population"; issue 15):
/// the population is every subject with at least one study-drug dose on or before the cut-off; an event is
/// treatment-emergent when its onset is on or after the first dose and no later than the last dose +
/// <see cref="StudySettings.TeaeWindowDays"/> (default 30) or the cut-off, whichever is first.
/// </summary>
public static class TreatmentEmergence
{
    /// <summary>
    /// Conservative where the date is uncertain, as ADaM onset imputation is: a partial onset that may fall on or after
    /// the first dose is treatment-emergent, and so is an event without any onset date (the output counts these).
    /// </summary>
    public static AdverseEventTiming Classify(AdverseEventRecord adverseEvent, SubjectExposure exposure, DateOnly cutoff, StudySettings settings)
    {
        if (adverseEvent.Onset is not { } earliest) return AdverseEventTiming.TreatmentEmergent;
        var latest = adverseEvent.OnsetLatest ?? earliest;
        if (latest < exposure.FirstDose) return AdverseEventTiming.PreTreatment;

        var windowEnd = exposure.LastDose.AddDays(settings.TeaeWindowDays);
        var end = windowEnd < cutoff ? windowEnd : cutoff;
        return earliest > end ? AdverseEventTiming.AfterTreatmentWindow : AdverseEventTiming.TreatmentEmergent;
    }

    /// <summary>Events of subjects outside the population are ignored; unknown causality counts as related.</summary>
    /// <param name="ctcae">The CTCAE terms that group the table by system organ class (without them, all Unmapped).</param>
    public static SafetyAnalysis Analyse(
        IEnumerable<SubjectExposure> population, IEnumerable<AdverseEventRecord> events, DateOnly cutoff, StudySettings settings,
        CtcaeTerms? ctcae = null)
    {
        var exposures = new Dictionary<string, SubjectExposure>(StringComparer.Ordinal);
        foreach (var exposure in population) exposures[exposure.SubjectId] = exposure;

        var emergent = new List<AdverseEventRecord>();
        var before = new List<AdverseEventRecord>();
        var after = new List<AdverseEventRecord>();
        foreach (var adverseEvent in events)
        {
            if (!exposures.TryGetValue(adverseEvent.SubjectId, out var exposure)) continue;
            (Classify(adverseEvent, exposure, cutoff, settings) switch
            {
                AdverseEventTiming.PreTreatment => before,
                AdverseEventTiming.AfterTreatmentWindow => after,
                _ => emergent,
            }).Add(adverseEvent);
        }

        return new SafetyAnalysis(
            SafetySummary.Compute(exposures.Keys, emergent, ctcae: ctcae),
            before.OrderBy(e => e.Onset).ThenBy(e => e.SubjectId, StringComparer.Ordinal).ToList(),
            after.OrderBy(e => e.Onset).ThenBy(e => e.SubjectId, StringComparer.Ordinal).ToList(),
            emergent.Count(e => e.Onset is null));
    }
}
