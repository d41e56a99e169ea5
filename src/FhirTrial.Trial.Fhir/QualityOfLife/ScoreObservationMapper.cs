using FhirTrial.Trial.Fhir.Common;
using FhirTrial.Trial.QualityOfLife;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.QualityOfLife;

/// <summary>A scale score as an Observation derived from its QuestionnaireResponse (domain -> FHIR).</summary>
public static class ScoreObservationMapper
{
    /// <summary>Identifier system of derived scale-score Observations; the value is <c>{response id}-{scale}</c>.</summary>
    public const string IdentifierSystem = TrialCodes.Canon + "/eortc-scale-score";

    public static string IdentifierValue(string responseId, string scale) => $"{responseId}-{scale}";

    /// <summary>The conditional-update criteria that find the one Observation of this response and scale.</summary>
    public static string Criteria(string responseId, string scale) =>
        $"identifier={Uri.EscapeDataString(IdentifierSystem)}|{Uri.EscapeDataString(IdentifierValue(responseId, scale))}";

    public static Observation ToObservation(ScaleScore score, QuestionnaireResponse response, QuestionnaireDefinition definition) => new()
    {
        Identifier = [new Identifier(IdentifierSystem, IdentifierValue(response.Id ?? throw new ArgumentException("The response must be stored first.", nameof(response)), score.Scale))],
        Status = ObservationStatus.Final,
        Category =
        [
            new CodeableConcept("http://terminology.hl7.org/CodeSystem/observation-category", "survey", "Survey"),
        ],
        Code = new CodeableConcept(TrialCodes.EortcScaleSystem, score.Scale, $"{definition.Key} {score.Scale}")
        {
            Text = $"{definition.Key} {score.Scale} ({score.Kind.ToString().ToLowerInvariant()} scale, 0..100)",
        },
        Subject = response.Subject is null ? null : new ResourceReference(response.Subject.Reference),
        Encounter = response.Encounter is null ? null : new ResourceReference(response.Encounter.Reference),
        Effective = response.AuthoredElement is { } authored ? new FhirDateTime(authored.Value) : null,
        Value = new Hl7.Fhir.Model.Quantity { Value = ScoreParametersMapper.Round(score.Value), Unit = "score", System = TrialCodes.Ucum, Code = "{score}" },
        DerivedFrom = [new ResourceReference(response.Reference())],
    };
}
