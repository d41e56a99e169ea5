using FhirTrial.Fhir.Engine;
using FhirTrial.Trial.Fhir.Recist;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Common;

/// <summary>
/// The data cut-off of the analysis operations (CONTRACT.md section 7; issue 15): records dated after it are ignored and
/// it stands for "today". Resolved here and applied once by the gatherers; each answer echoes it as <c>cutoff</c>.
/// </summary>
public static class DataCutoff
{
    public const string Parameter = "cutoff";

    /// <summary>
    /// <c>cutoff</c> (GET query or POST Parameters), else the older name <c>date</c>, else today (UTC): the only clock
    /// read of these operations, so the same data and cut-off always give the same answer.
    /// </summary>
    public static DateOnly Resolve(OperationRequest request) =>
        FhirDates.ParseParameter(request.Value(Parameter), Parameter)
        ?? FhirDates.ParseParameter(request.Value("date"), "date")
        ?? DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>Adds the <c>cutoff</c> the answer was computed at (valueDate) and returns the Parameters.</summary>
    public static Parameters Echo(this Parameters parameters, DateOnly cutoff)
    {
        parameters.Add(Parameter, new Date(FhirJson.Format(cutoff)));
        return parameters;
    }
}
