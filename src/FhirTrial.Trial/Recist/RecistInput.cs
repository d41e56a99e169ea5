namespace FhirTrial.Trial.Recist;

/// <summary>
/// Everything RECIST needs about one subject, as it stood at the data cut-off (applied by whoever read the records).
/// </summary>
public sealed record RecistInput(
    IReadOnlyList<Lesion> Lesions,
    IReadOnlyList<TargetMeasurement> Measurements,
    IReadOnlyList<NonTargetAssessment> NonTargetAssessments,
    IReadOnlyList<NewLesionFinding> NewLesions,
    DateOnly FirstDose,
    DateOnly? DeathDate = null)
{
    /// <summary>
    /// Start of new anticancer therapy after first dose: assessments on or after it do not count for the response
    /// (RECIST 1.1 section 4.4 and FDA endpoint guidance: responses must be attributable to the study treatment).
    /// </summary>
    public DateOnly? NewTherapyDate { get; init; }
}
