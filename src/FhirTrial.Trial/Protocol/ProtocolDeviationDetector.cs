using FhirTrial.Trial.Settings;

namespace FhirTrial.Trial.Protocol;

/// <summary>Finds dosing and schedule deviations in a subject's record as of an evaluation date.</summary>
public static class ProtocolDeviationDetector
{
    public static IReadOnlyList<Deviation> Detect(ProtocolFacts facts, StudySettings settings, DateOnly evaluationDate)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(settings);

        // The record is read as it stood on the evaluation date.
        var weights = facts.Weights.Where(w => w.Date <= evaluationDate).ToArray();
        var deviations = new List<Deviation>();
        deviations.AddRange(LenvatinibStartDose(ByDay(facts.LenvatinibDoses, evaluationDate), weights, settings));
        var cadonilimab = ByDay(facts.CadonilimabDoses, evaluationDate);
        deviations.AddRange(CadonilimabDoses(cadonilimab, weights, settings));
        deviations.AddRange(CadonilimabIntervals(cadonilimab, settings));
        deviations.AddRange(Assessments(facts, settings, evaluationDate));
        if (facts.RecistSelection is { } selection)
            deviations.AddRange(selection.Warnings.Select(w => new Deviation(DeviationKinds.RecistSelection, selection.Baseline, w.Detail, w.Evidence)));
        return deviations
            .OrderBy(d => d.Date)
            .ThenBy(d => d.Kind, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>One day's administrations of one drug.</summary>
    /// <param name="Mg">the day's total; null when any part's amount is unknown (it cannot be judged, only dated)</param>
    private sealed record DayDose(DateOnly Date, decimal? Mg, IReadOnlyList<string> Evidence);

    /// <summary>
    /// The doses given up to the evaluation date, one per day in date order. CONTRACT.md section 4 "Dosing" doses are
    /// daily (lenvatinib 12/8 mg once daily) or per infusion day (cadonilimab 10 mg/kg every 21 days): a dose given in
    /// parts on one day (capsules in two records, an infusion interrupted and resumed) is one dose, the day's total,
    /// and one date for the interval (ADR 0006, amended).
    /// </summary>
    private static DayDose[] ByDay(IEnumerable<DoseFact> doses, DateOnly evaluationDate) =>
        doses.Where(d => d.Date <= evaluationDate)
            .GroupBy(d => d.Date)
            .OrderBy(g => g.Key)
            .Select(g => new DayDose(
                g.Key,
                g.All(d => d.Mg is not null) ? g.Sum(d => d.Mg!.Value) : null,
                g.Select(d => d.EvidenceId).ToArray()))
            .ToArray();

    private static IEnumerable<Deviation> LenvatinibStartDose(
        IReadOnlyList<DayDose> days, IReadOnlyList<WeightFact> weights, StudySettings settings)
    {
        if (days.Count == 0 || days[0] is not { Mg: { } given } start)
            yield break;

        // Without a weight the right dose cannot be known, so no deviation is claimed.
        if (DosingRules.LatestWeightOnOrBefore(weights, start.Date) is not { } weight)
            yield break;

        var expected = DosingRules.LenvatinibStartDoseMg(weight.Kg, settings);
        // Checked on the start day's total, against the weight of that day (the latest on or before it).
        if (given != expected)
            yield return new Deviation(
                DeviationKinds.LenvatinibDose, start.Date,
                $"lenvatinib start dose {given} mg; {expected} mg expected for {weight.Kg} kg " +
                $"(weighed {weight.Date:yyyy-MM-dd})",
                [.. start.Evidence, weight.EvidenceId]);
    }

    private static IEnumerable<Deviation> CadonilimabDoses(
        IReadOnlyList<DayDose> days, IReadOnlyList<WeightFact> weights, StudySettings settings)
    {
        foreach (var dose in days)
        {
            if (dose.Mg is not { } given)
                continue;
            if (DosingRules.LatestWeightOnOrBefore(weights, dose.Date) is not { } weight)
                continue;
            if (DosingRules.IsCadonilimabDoseWithinTolerance(given, weight.Kg, settings))
                continue;

            var expected = DosingRules.CadonilimabDoseMg(weight.Kg, settings);
            var percent = Math.Round((given - expected) / expected * 100m, 1);
            yield return new Deviation(
                DeviationKinds.CadonilimabDose, dose.Date,
                $"cadonilimab {given} mg is {percent:+0.#;-0.#}% from {expected} mg " +
                $"({settings.CadonilimabMgPerKg} mg/kg x {weight.Kg} kg, +-{settings.CadonilimabDoseTolerance:P0})",
                [.. dose.Evidence, weight.EvidenceId]);
        }
    }

    private static IEnumerable<Deviation> CadonilimabIntervals(IReadOnlyList<DayDose> doses, StudySettings settings)
    {
        for (var i = 1; i < doses.Count; i++)
        {
            var previous = doses[i - 1];
            var dose = doses[i];
            var days = dose.Date.DayNumber - previous.Date.DayNumber;
            if (DosingRules.CadonilimabIntervalDeviation(days, settings) is not { } kind)
                continue;

            var why = kind == DeviationKinds.CadonilimabInterval
                ? $"earlier than day {settings.CadonilimabEarliestDay}"
                : $"later than day {settings.CadonilimabLatestDay}";
            yield return new Deviation(
                kind, dose.Date,
                $"cadonilimab given on day {days} after the previous dose ({previous.Date:yyyy-MM-dd}), {why}",
                [.. previous.Evidence, .. dose.Evidence]);
        }
    }

    /// <summary>
    /// Each assessment after the first dose belongs to its nearest visit. One outside the window is an
    /// assessment-window deviation and still accounts for that visit; a visit with no assessment at all, once its
    /// window has closed while the subject was followed, is assessment-missed.
    /// </summary>
    private static IEnumerable<Deviation> Assessments(ProtocolFacts facts, StudySettings settings, DateOnly evaluationDate)
    {
        var schedule = new AssessmentSchedule(facts.FirstDose, settings);
        var stop = new[] { facts.ProgressionDate, facts.DeathDate, facts.OffStudyDate, evaluationDate }
            .Where(d => d is not null)
            .Min()!.Value;

        var followed = facts.Assessments
            .Where(a => a.Date > facts.FirstDose && a.Date <= stop)
            .OrderBy(a => a.Date)
            .ToArray();

        var accountedVisits = new HashSet<int>();
        foreach (var assessment in followed)
        {
            var visit = schedule.NearestVisit(assessment.Date);
            accountedVisits.Add(visit);
            if (schedule.IsWithinWindow(assessment.Date))
                continue;

            var offset = schedule.OffsetFromNearest(assessment.Date);
            yield return new Deviation(
                DeviationKinds.AssessmentWindow, assessment.Date,
                $"assessment {offset:+0;-0} days from visit {visit} due {schedule.Due(visit):yyyy-MM-dd} " +
                $"(day {visit * settings.AssessmentIntervalDays} +-{settings.AssessmentWindowDays})",
                assessment.Evidence);
        }

        foreach (var visit in schedule.VisitsClosedBefore(stop).Where(v => !accountedVisits.Contains(v)))
            yield return new Deviation(
                DeviationKinds.AssessmentMissed, schedule.Due(visit),
                $"no assessment for visit {visit} due {schedule.Due(visit):yyyy-MM-dd} " +
                $"(day {visit * settings.AssessmentIntervalDays} +-{settings.AssessmentWindowDays})",
                []);
    }
}
