using FhirTrial.Trial.Endpoints;
using FhirTrial.Trial.Fhir.Recist;
using FhirTrial.Trial.Recist;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Efficacy;

/// <summary>The study's efficacy endpoints as the <c>$efficacy</c> Parameters of CONTRACT.md section 5 (domain -> FHIR).</summary>
public static class EfficacyParametersMapper
{
    /// <summary>Fractions and survival probabilities are given to 6 decimals: far below any clinical difference, stable in approved files.</summary>
    public const int Decimals = 6;

    public static Parameters ToParameters(EfficacyResult result)
    {
        var parameters = new Parameters();
        parameters.Add("treated", new Integer(result.Treated));
        parameters.Add("evaluable", new Integer(result.Evaluable));
        parameters.Add("responders", new Integer(result.Responders));
        // With no response-evaluable subject there is no rate to give: the optional rates are left out.
        AddFraction(parameters, "orr", result.ObjectiveResponseRate.Estimate);
        AddFraction(parameters, "orrLower", result.ObjectiveResponseRate.Lower);
        AddFraction(parameters, "orrUpper", result.ObjectiveResponseRate.Upper);
        AddFraction(parameters, "dcr", result.DiseaseControlRate.Estimate);
        AddFraction(parameters, "dcrLower", result.DiseaseControlRate.Lower);
        AddFraction(parameters, "dcrUpper", result.DiseaseControlRate.Upper);
        AddCurve(parameters, "pfs", result.ProgressionFreeSurvival);
        AddCurve(parameters, "os", result.OverallSurvival);
        AddCurve(parameters, "dor", result.DurationOfResponse);
        AddCurve(parameters, "ttr", result.TimeToResponse);
        foreach (var count in result.BestOverallResponses)
        {
            parameters.Part("bor")
                .Part("code", new Code(count.Response.ToCode()))
                .Part("count", new Integer(count.Subjects));
        }

        return parameters;
    }

    public static decimal Round(double value) => Math.Round((decimal)value, Decimals, MidpointRounding.AwayFromZero);

    private static void AddFraction(Parameters parameters, string name, double? value)
    {
        if (value is { } v) parameters.Add(name, new FhirDecimal(Round(v)));
    }

    private static void AddCurve(Parameters parameters, string name, KaplanMeierEstimate estimate)
    {
        var part = parameters.Part(name);
        part.Part("events", new Integer(estimate.Events));
        part.Part("censored", new Integer(estimate.Censored));
        if (estimate.Median is { } median) part.Part("median", new FhirDecimal(median));
        if (estimate.MedianLower is { } lower) part.Part("medianLower", new FhirDecimal(lower));
        if (estimate.MedianUpper is { } upper) part.Part("medianUpper", new FhirDecimal(upper));
        foreach (var point in estimate.Curve)
        {
            // The 95% pointwise band (log-log) the dashboard draws around the curve.
            var band = KaplanMeier.PointwiseInterval(point);
            part.Part("point")
                .Part("time", new FhirDecimal(point.Time))
                .Part("survival", new FhirDecimal(Round(point.Survival)))
                .Part("atRisk", new Integer(point.AtRisk))
                .Part("lower", new FhirDecimal(Round(band.Lower)))
                .Part("upper", new FhirDecimal(Round(band.Upper)));
        }
    }
}
