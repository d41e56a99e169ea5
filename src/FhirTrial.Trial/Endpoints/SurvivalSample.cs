namespace FhirTrial.Trial.Endpoints;

/// <summary>One subject's time to event in days from the endpoint's origin; Event false means censored then.</summary>
public sealed record SurvivalSample(string SubjectId, int Days, bool Event);
