using FhirTrial.Trial.Recist;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Recist;

/// <summary>
/// A RECIST result as the <c>$recist-response</c> Parameters of CONTRACT.md section 5 (domain -> FHIR), with a repeated
/// <c>reason</c> part per time point and repeated top-level <c>reason</c> parameters for the baseline and best response.
/// </summary>
public static class RecistParametersMapper
{
    public static Parameters ToParameters(RecistResult result)
    {
        var parameters = new Parameters();
        if (result.BaselineSum is { } baselineSum)
            parameters.Add("baselineSum", new FhirDecimal(baselineSum));

        foreach (var tp in result.TimePoints)
        {
            var timepoint = parameters.Part("timepoint");
            timepoint.Part("date", new Date(FhirJson.Format(tp.Date)));
            if (tp.TargetSum is { } sum) timepoint.Part("targetSum", new FhirDecimal(sum));
            if (tp.ChangeFromBaseline is { } fromBaseline) timepoint.Part("changeFromBaseline", new FhirDecimal(fromBaseline));
            if (tp.ChangeFromNadir is { } fromNadir) timepoint.Part("changeFromNadir", new FhirDecimal(fromNadir));
            timepoint.Part("targetResponse", new Code(tp.TargetResponse.ToCode()));
            timepoint.Part("nonTargetResponse", new Code(tp.NonTargetResponse.ToCode()));
            timepoint.Part("overallResponse", new Code(tp.OverallResponse.ToCode()));
            timepoint.Part("newLesion", new FhirBoolean(tp.NewLesion));
            // Why, as the CLI prints it: each rule that decided a component or the overall response.
            foreach (var reason in tp.Reasons)
                timepoint.Part("reason", new FhirString(reason));
        }

        parameters.Add("bestOverallResponse", new Code(result.BestOverallResponse.ToCode()));
        if (result.FirstResponseDate is { } response)
            parameters.Add("firstResponseDate", new Date(FhirJson.Format(response)));
        if (result.ProgressionDate is { } progression)
            parameters.Add("progressionDate", new Date(FhirJson.Format(progression)));
        // The baseline and best-response reasons (repeated), after the contract's parts.
        foreach (var reason in result.Reasons)
            parameters.Add("reason", new FhirString(reason));
        // Baseline target selections RECIST 1.1 does not allow (also a recist-selection protocol deviation).
        foreach (var warning in result.SelectionWarnings)
            parameters.Add("warning", new FhirString(warning.Detail));
        return parameters;
    }
}
