using FhirTrial.Trial.Recist;

namespace FhirTrial.Trial.Endpoints;

/// <summary>How many response-evaluable subjects had a given best overall response.</summary>
public sealed record BestResponseCount(Response Response, int Subjects);

/// <summary>The study's efficacy endpoints (CONTRACT section 4 "Endpoints", operation $efficacy).</summary>
public sealed record EfficacyResult(
    int Treated,
    int Evaluable,
    int Responders,
    BinomialProportion ObjectiveResponseRate,
    BinomialProportion DiseaseControlRate,
    KaplanMeierEstimate ProgressionFreeSurvival,
    KaplanMeierEstimate OverallSurvival,
    KaplanMeierEstimate DurationOfResponse,
    KaplanMeierEstimate TimeToResponse,
    IReadOnlyList<BestResponseCount> BestOverallResponses);
