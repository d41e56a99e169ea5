namespace FhirTrial.Trial.Recist;

/// <summary>
/// The RECIST observations of one tumour assessment: those sharing an encounter, or without one the same calendar date.
/// Its date is the earliest date in it.
/// </summary>
public sealed record AssessmentTimePoint(
    string Key,
    DateOnly Date,
    IReadOnlyList<TargetMeasurement> Measurements,
    IReadOnlyList<NonTargetAssessment> NonTargetAssessments,
    IReadOnlyList<NewLesionFinding> NewLesions)
{
    /// <summary>The lesion's size here; null when absent or not assessed. With repeats, the latest assessed one wins.</summary>
    public decimal? MillimetresOf(string lesionId) =>
        Measurements.Where(m => m.LesionId == lesionId && m.Millimetres is not null)
            .Select((m, order) => (m, order))
            .OrderBy(x => x.m.Date).ThenBy(x => x.order)
            .Select(x => x.m.Millimetres)
            .LastOrDefault();

    /// <summary>The lesion's status here; null when absent or not assessed. With repeats, the latest assessed one wins.</summary>
    public NonTargetStatus? StatusOf(string lesionId) =>
        NonTargetAssessments.Where(a => a.LesionId == lesionId && a.Status is not null)
            .Select((a, order) => (a, order))
            .OrderBy(x => x.a.Date).ThenBy(x => x.order)
            .Select(x => x.a.Status)
            .LastOrDefault();

    /// <summary>The ids of the observations this time point was made from, in input order, without repeats.</summary>
    public IReadOnlyList<string> EvidenceIds =>
        Measurements.Select(m => m.EvidenceId)
            .Concat(NonTargetAssessments.Select(a => a.EvidenceId))
            .Concat(NewLesions.Select(n => n.EvidenceId))
            .OfType<string>()
            .Distinct()
            .ToList();
}
