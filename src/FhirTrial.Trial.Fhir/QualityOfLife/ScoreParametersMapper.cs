using FhirTrial.Trial.QualityOfLife;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.QualityOfLife;

/// <summary>Writes scale scores as the <c>$score</c> Parameters: one valueDecimal per scored scale, named by its code (domain -> FHIR).</summary>
public static class ScoreParametersMapper
{
    public const int Decimals = 4;

    /// <remarks>The questionnaire and the count of answered items come first, so an answer with no scale scored
    /// (too few items) still says what was scored rather than being an empty Parameters.</remarks>
    public static Parameters ToParameters(QuestionnaireDefinition definition, int itemsAnswered, QolScores scores, IEnumerable<string>? storedObservations = null)
    {
        var parameters = new Parameters();
        parameters.Add("questionnaire", new Canonical($"{Common.TrialCodes.Canon}/Questionnaire/{definition.Key}"));
        parameters.Add("itemsAnswered", new Integer(itemsAnswered));
        foreach (var score in scores.Scores)
            parameters.Add(score.Scale, new FhirDecimal(Round(score.Value)));
        foreach (var reference in storedObservations ?? [])
            parameters.Add("observation", new ResourceReference(reference));
        return parameters;
    }

    public static decimal Round(decimal score) => Math.Round(score, Decimals, MidpointRounding.AwayFromZero);
}
