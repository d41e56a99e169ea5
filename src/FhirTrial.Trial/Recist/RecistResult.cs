namespace FhirTrial.Trial.Recist;

/// <summary>A subject's RECIST 1.1 evaluation: baseline, each later time point, and the confirmed best response.</summary>
public sealed record RecistResult(
    DateOnly? BaselineDate,
    decimal? BaselineSum,
    IReadOnlyList<string> BaselineEvidenceIds,
    IReadOnlyList<TimePointResponse> TimePoints,
    Response BestOverallResponse,
    DateOnly? FirstResponseDate,
    DateOnly? ProgressionDate,
    IReadOnlyList<string> Reasons)
{
    /// <summary>Baseline target selections RECIST 1.1 does not allow (<see cref="TargetSelection"/>).</summary>
    public IReadOnlyList<SelectionWarning> SelectionWarnings { get; init; } = [];

    /// <summary>At least one target lesion measured at baseline: the subject can join the response-evaluable population.</summary>
    public bool HasMeasurableBaseline => BaselineSum is not null;

    public bool IsConfirmedResponder => BestOverallResponse.IsObjectiveResponse();

    /// <summary>Dates of the assessments after baseline that gave a verdict (not NE or NA), up to and including the first PD.</summary>
    public IReadOnlyList<DateOnly> EvaluableAssessmentDates =>
        TimePoints
            .TakeWhile((tp, i) => i == 0 || TimePoints[i - 1].OverallResponse != Response.PD)
            .Where(tp => tp.OverallResponse is not (Response.NE or Response.NA))
            .Select(tp => tp.Date)
            .ToList();
}
