namespace FhirTrial.Trial.Fhir.Common;

/// <summary>The day an operation evaluates the record on.</summary>
public static class EvaluationDate
{
    /// <summary>
    /// The <c>date</c> parameter, else today (UTC). This is the only clock read of the trial operations: the domain
    /// takes the date as an argument so its answers are reproducible.
    /// </summary>
    public static DateOnly Resolve(string? dateParameter) =>
        FhirDates.ParseParameter(dateParameter, "date") ?? DateOnly.FromDateTime(DateTime.UtcNow);
}
