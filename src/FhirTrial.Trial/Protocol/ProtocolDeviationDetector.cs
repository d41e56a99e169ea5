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
        deviations.AddRange(LenvatinibStartDose(facts.LenvatinibDoses.Where(d => d.Date <= evaluationDate), weights, settings));
        var cadonilimab = facts.CadonilimabDoses.Where(d => d.Date <= evaluationDate).OrderBy(d => d.Date).ToArray();
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

    private static IEnumerable<Deviation> LenvatinibStartDose(
        IEnumerable<DoseFact> doses, IReadOnlyList<WeightFact> weights, StudySettings settings)
    {
        var ordered = doses.OrderBy(d => d.Date).ToArray();
        if (ordered.Length == 0)
            yield break;

        var startDay = ordered[0].Date;
        // Without a weight the right dose cannot be known, so no deviation is claimed.
        if (DosingRules.LatestWeightOnOrBefore(weights, startDay) is not { } weight)
            yield break;

        var expected = DosingRules.LenvatinibStartDoseMg(weight.Kg, settings);
        // Checked on the first administration(s), against the weight of that day (the latest on or before it).
        foreach (var dose in ordered.Where(d => d.Date == startDay && d.Mg != expected))
            yield return new Deviation(
                DeviationKinds.LenvatinibDose, dose.Date,
                $"lenvatinib start dose {dose.Mg} mg; {expected} mg expected for {weight.Kg} kg " +
                $"(weighed {weight.Date:yyyy-MM-dd})",
                [dose.EvidenceId, weight.EvidenceId]);
    }

    private static IEnumerable<Deviation> CadonilimabDoses(
        IReadOnlyList<DoseFact> doses, IReadOnlyList<WeightFact> weights, StudySettings settings)
    {
        foreach (var dose in doses)
        {
            if (DosingRules.LatestWeightOnOrBefore(weights, dose.Date) is not { } weight)
                continue;
            if (DosingRules.IsCadonilimabDoseWithinTolerance(dose.Mg, weight.Kg, settings))
                continue;

            var expected = DosingRules.CadonilimabDoseMg(weight.Kg, settings);
            var percent = Math.Round((dose.Mg - expected) / expected * 100m, 1);
            yield return new Deviation(
                DeviationKinds.CadonilimabDose, dose.Date,
                $"cadonilimab {dose.Mg} mg is {percent:+0.#;-0.#}% from {expected} mg " +
                $"({settings.CadonilimabMgPerKg} mg/kg x {weight.Kg} kg, +-{settings.CadonilimabDoseTolerance:P0})",
                [dose.EvidenceId, weight.EvidenceId]);
        }
    }

    private static IEnumerable<Deviation> CadonilimabIntervals(IReadOnlyList<DoseFact> doses, StudySettings settings)
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
                [previous.EvidenceId, dose.EvidenceId]);
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
