namespace FhirTrial.Trial.Eligibility;

/// <summary>
/// The eligibility interpreter: evaluates criteria (data) against a patient's facts on a date.
/// Recorded history (diagnoses, therapies, progressions) may be incomplete, so an inclusion that needs it is
/// <c>unknown</c> when it is absent (the patient goes to manual review) and <c>not-met</c> only on evidence against;
/// an exclusion whose condition is absent stays <c>met</c> (ADR 0006). Dated measurements (labs, ECOG, blood
/// pressure, lesion sizes) must lie in the lookback, else the criterion is unknown.
/// </summary>
public static class EligibilityEvaluator
{
    public static EligibilityResult Evaluate(PatientFacts facts, IReadOnlyList<EligibilityCriterion> criteria, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(criteria);

        var results = criteria.Select(c => Evaluate(facts, c, date)).ToArray();
        var outcome =
            results.Any(r => r.Status == CriterionStatus.NotMet) ? EligibilityOutcome.Ineligible
            : results.Any(r => r.Status == CriterionStatus.Unknown) ? EligibilityOutcome.Undetermined
            : EligibilityOutcome.Eligible;
        return new EligibilityResult(outcome, results);
    }

    public static CriterionResult Evaluate(PatientFacts facts, EligibilityCriterion criterion, DateOnly date)
    {
        var finding = criterion.Kind switch
        {
            CriterionKind.MinimumAge => Age(facts, criterion, date),
            CriterionKind.DiagnosisPresent => Diagnosis(facts, criterion),
            CriterionKind.PriorTherapyWithProgression => PriorTherapyWithProgression(facts, criterion, date),
            CriterionKind.PriorTherapy => PriorTherapy(facts, criterion, date),
            CriterionKind.MeasurableDisease => MeasurableDisease(facts, criterion, date),
            CriterionKind.LatestMeasurement => LatestMeasurement(facts, criterion, date),
            _ => throw new ArgumentOutOfRangeException(nameof(criterion), criterion.Kind, "Unknown criterion kind."),
        };
        if (criterion.Exclude)
        {
            // An exclusion is met when the condition it describes is absent; unknown stays unknown.
            finding = finding with
            {
                Status = finding.Status switch
                {
                    CriterionStatus.Met => CriterionStatus.NotMet,
                    CriterionStatus.NotMet => CriterionStatus.Met,
                    _ => CriterionStatus.Unknown,
                },
                Reason = "exclusion: " + finding.Reason,
            };
        }
        return new CriterionResult(criterion.Id, finding.Status, finding.Evidence.Distinct().ToArray(), finding.Reason);
    }

    private sealed record Finding(CriterionStatus Status, IReadOnlyList<string> Evidence, string Reason);

    private static Finding Met(string reason, IEnumerable<string> evidence) => new(CriterionStatus.Met, evidence.ToArray(), reason);
    private static Finding NotMet(string reason, IEnumerable<string> evidence) => new(CriterionStatus.NotMet, evidence.ToArray(), reason);
    private static Finding Unknown(string reason, IEnumerable<string>? evidence = null) =>
        new(CriterionStatus.Unknown, evidence?.ToArray() ?? [], reason);

    /// <summary>
    /// What the absence of recorded history means: for an exclusion, the condition is absent (not-met here, met once
    /// inverted); for an inclusion, nothing is known (unknown: manual review), never not-met.
    /// </summary>
    private static Finding Absent(EligibilityCriterion criterion, string reason, IEnumerable<string>? evidence = null) =>
        criterion.Exclude
            ? NotMet(reason, evidence ?? [])
            : Unknown(reason + ": not in the recorded history, manual review", evidence);

    private static string RequireSubject(EligibilityCriterion criterion) =>
        criterion.Subject ?? throw new ArgumentException($"Criterion '{criterion.Id}' of kind {criterion.Kind} needs a subject.");

    private static MeasurementLimit RequireLimit(EligibilityCriterion criterion, string key) =>
        criterion.Limits.FirstOrDefault(l => l.FactKey == key)
        ?? throw new ArgumentException($"Criterion '{criterion.Id}' of kind {criterion.Kind} needs a '{key}' limit.");

    private static Finding Age(PatientFacts facts, EligibilityCriterion criterion, DateOnly date)
    {
        var limit = RequireLimit(criterion, LimitKeys.Age);
        var evidence = facts.PatientEvidenceId is { } id ? new[] { id } : [];
        if (facts.BirthDate is not { } birth)
            return Unknown("no birth date", evidence);

        var age = AgeInYears(birth, date);
        return limit.Comparator.Holds(age, limit.Value)
            ? Met($"age {age} {limit.Comparator.ToSymbol()} {limit.Value}", evidence)
            : NotMet($"age {age}, needs {limit.Comparator.ToSymbol()} {limit.Value}", evidence);
    }

    /// <summary>Completed years; someone born on 29 February turns a year older on 1 March in common years.</summary>
    public static int AgeInYears(DateOnly birthDate, DateOnly date)
    {
        var age = date.Year - birthDate.Year;
        if (date.Month < birthDate.Month || (date.Month == birthDate.Month && date.Day < birthDate.Day))
            age--;
        return age;
    }

    private static Finding Diagnosis(PatientFacts facts, EligibilityCriterion criterion)
    {
        var valueSet = RequireSubject(criterion);
        var matching = facts.Diagnoses.Where(d => d.ValueSets.Contains(valueSet)).ToArray();
        if (matching.Length > 0)
            return Met($"diagnosis in {valueSet}", matching.Select(d => d.EvidenceId));

        var possible = facts.Diagnoses.Where(d => d.PossibleValueSets.Contains(valueSet)).ToArray();
        if (possible.Length > 0)
            return Unknown($"diagnosis may be in {valueSet} but lacks detail (e.g. histology)", possible.Select(d => d.EvidenceId));

        // Another recorded cancer diagnosis is evidence against; none at all is absent history.
        return facts.Diagnoses.Count == 0
            ? Absent(criterion, "no cancer diagnosis recorded")
            : NotMet($"no diagnosis in {valueSet}", facts.Diagnoses.Select(d => d.EvidenceId));
    }

    private static TherapyFact[] TherapiesBefore(PatientFacts facts, string therapyClass, DateOnly date) =>
        facts.Therapies.Where(t => t.TherapyClass == therapyClass && t.Start < date).OrderBy(t => t.Start).ToArray();

    private static Finding PriorTherapyWithProgression(PatientFacts facts, EligibilityCriterion criterion, DateOnly date)
    {
        var therapyClass = RequireSubject(criterion);
        var therapies = TherapiesBefore(facts, therapyClass, date);
        if (therapies.Length == 0)
            return Absent(criterion, $"no {therapyClass} recorded before {date:yyyy-MM-dd}");

        foreach (var therapy in therapies)
        {
            var progression = facts.Progressions
                .Where(p => p.Date > therapy.Start && p.Date <= date)
                .OrderBy(p => p.Date)
                .FirstOrDefault();
            if (progression is not null)
                return Met(
                    $"{therapyClass} from {therapy.Start:yyyy-MM-dd}, progression on {progression.Date:yyyy-MM-dd}",
                    [therapy.EvidenceId, progression.EvidenceId]);
        }
        return Absent(criterion, $"no progression recorded after the start of {therapyClass}", therapies.Select(t => t.EvidenceId));
    }

    private static Finding PriorTherapy(PatientFacts facts, EligibilityCriterion criterion, DateOnly date)
    {
        var therapyClass = RequireSubject(criterion);
        var therapies = TherapiesBefore(facts, therapyClass, date);
        return therapies.Length > 0
            ? Met($"prior {therapyClass} from {therapies[0].Start:yyyy-MM-dd}", therapies.Select(t => t.EvidenceId))
            : Absent(criterion, $"no prior {therapyClass} recorded");
    }

    private static bool InLookback(DateOnly factDate, EligibilityCriterion criterion, DateOnly date) =>
        factDate <= date && (criterion.LookbackDays is not { } days || factDate >= date.AddDays(-days));

    private static string LookbackText(EligibilityCriterion criterion) =>
        criterion.LookbackDays is { } days ? $" within {days} days" : "";

    private static Finding MeasurableDisease(PatientFacts facts, EligibilityCriterion criterion, DateOnly date)
    {
        var lesionLimit = RequireLimit(criterion, LimitKeys.Lesion);
        var nodeLimit = RequireLimit(criterion, LimitKeys.Node);

        // Only each lesion's latest measurement in the lookback describes it now.
        var latest = facts.LesionSizes
            .Where(l => l.IsTarget && InLookback(l.Date, criterion, date))
            .GroupBy(l => l.LesionId ?? l.EvidenceId)
            .Select(g => g.OrderBy(l => l.Date).Last())
            .ToArray();
        if (latest.Length == 0)
            return Unknown($"no target lesion measured{LookbackText(criterion)}");

        var measurable = latest
            .Where(l => l.IsNode
                ? nodeLimit.Comparator.Holds(l.Mm, nodeLimit.Value)
                : lesionLimit.Comparator.Holds(l.Mm, lesionLimit.Value))
            .ToArray();
        return measurable.Length > 0
            ? Met($"{measurable.Length} measurable target lesion(s): {Sizes(measurable)}", measurable.Select(l => l.EvidenceId))
            : NotMet($"no target lesion {lesionLimit.Comparator.ToSymbol()} {Number(lesionLimit.Value)} mm " +
                     $"(node {nodeLimit.Comparator.ToSymbol()} {Number(nodeLimit.Value)} mm short axis): {Sizes(latest)}", latest.Select(l => l.EvidenceId));
    }

    /// <summary>Each lesion's latest size as people read it ("T1 9.9 mm, N1 14 mm short axis"), each once.</summary>
    private static string Sizes(IEnumerable<LesionSizeFact> lesions) =>
        string.Join(", ", lesions.Select(l => $"{l.LesionId ?? "lesion"} {Number(l.Mm)} mm{(l.IsNode ? " short axis" : "")}").Distinct());

    private static Finding LatestMeasurement(PatientFacts facts, EligibilityCriterion criterion, DateOnly date)
    {
        if (criterion.Limits.Count == 0)
            throw new ArgumentException($"Criterion '{criterion.Id}' has no limits.");

        var parts = criterion.Limits.Select(limit => CheckLimit(facts, criterion, limit, date)).ToArray();
        var evidence = parts.SelectMany(p => p.Evidence);
        var reason = string.Join("; ", parts.Select(p => p.Reason));
        if (parts.Any(p => p.Status == CriterionStatus.NotMet))
            return NotMet(reason, evidence);
        if (parts.Any(p => p.Status == CriterionStatus.Unknown))
            return Unknown(reason, evidence);
        return Met(reason, evidence);
    }

    private static Finding CheckLimit(PatientFacts facts, EligibilityCriterion criterion, MeasurementLimit limit, DateOnly date)
    {
        var candidates = facts.Measurements
            .Where(m => m.Key == limit.FactKey && InLookback(m.Date, criterion, date))
            .ToArray();
        if (candidates.Length == 0)
            return Unknown($"no {limit.FactKey}{LookbackText(criterion)}");

        // Several results on the latest day: each must pass, so a conflicting record never makes a patient eligible.
        var latestDay = candidates.Max(m => m.Date);
        var latest = candidates.Where(m => m.Date == latestDay).ToArray();
        var evidence = latest.Select(m => m.EvidenceId).ToArray();
        var statuses = latest.Select(m => Check(m, limit)).ToArray();
        var values = string.Join(", ", latest.Select(m => Describe(m, limit)).Distinct());
        var text = $"{values} on {latestDay:yyyy-MM-dd}, needs {Describe(limit)}";

        if (statuses.Contains(CriterionStatus.NotMet))
            return NotMet(text, evidence);
        if (statuses.Contains(CriterionStatus.Unknown))
            return Unknown($"{limit.FactKey} has no upper limit of normal", evidence);
        return Met(text, evidence);
    }

    private static CriterionStatus Check(MeasurementFact fact, MeasurementLimit limit)
    {
        decimal threshold = limit.Value;
        if (limit.TimesUpperLimitOfNormal)
        {
            if (fact.UpperLimitOfNormal is not { } uln)
                return CriterionStatus.Unknown;
            threshold = limit.Value * uln;
        }
        return limit.Comparator.Holds(fact.Value, threshold) ? CriterionStatus.Met : CriterionStatus.NotMet;
    }

    // For people: values rounded to two decimals, units as written on a lab report (mmHg, 10^9/L), no unit for scores.
    private static string Describe(MeasurementFact fact, MeasurementLimit limit) =>
        limit.TimesUpperLimitOfNormal && fact.UpperLimitOfNormal is { } uln
            ? $"{limit.FactKey} {Number(fact.Value)}{DisplayUnit(limit.Unit)} (ULN {Number(uln)})"
            : $"{limit.FactKey} {Number(fact.Value)}{DisplayUnit(limit.Unit)}";

    private static string Describe(MeasurementLimit limit) =>
        $"{limit.FactKey} {limit.Comparator.ToSymbol()} {Number(limit.Value)}{(limit.TimesUpperLimitOfNormal ? " x ULN" : DisplayUnit(limit.Unit))}";

    private static string Number(decimal value) =>
        Math.Round(value, 2, MidpointRounding.AwayFromZero).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A UCUM unit as people write it, with its leading space; empty for scores.</summary>
    public static string DisplayUnit(string unit) => unit switch
    {
        "{score}" or "1" or "" => "",
        "mm[Hg]" => " mmHg",
        "10*9/L" => " x10^9/L",
        "10*12/L" => " x10^12/L",
        "umol/L" => " \u00b5mol/L",
        "[lb_av]" => " lb",
        var other => " " + other,
    };
}
