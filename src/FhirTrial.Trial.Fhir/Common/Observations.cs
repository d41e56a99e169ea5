using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Common;

/// <summary>Reading Observations by code, whether or not they claim a trial profile in <c>meta.profile</c>.</summary>
public static class Observations
{
    /// <summary>A search value for <c>code</c> listing LOINC codes (OR).</summary>
    public static string LoincCodes(params string[] codes) => string.Join(',', codes.Select(c => $"{TrialCodes.Loinc}|{c}"));

    public static bool HasCoding(this CodeableConcept? concept, string system, string code) =>
        concept?.Coding.Any(c => c.System == system && c.Code == code) == true;

    public static bool HasLoinc(this Observation observation, string code) => observation.Code.HasCoding(TrialCodes.Loinc, code);

    /// <summary>Entered-in-error and cancelled Observations are not facts.</summary>
    public static bool IsUsable(this Observation observation) =>
        observation.Status is not (ObservationStatus.EnteredInError or ObservationStatus.Cancelled);

    /// <summary>The clinically relevant day: <c>effective[x]</c>, else the day it was issued.</summary>
    public static DateOnly? Date(this Observation observation) =>
        FhirDates.ToDateOnly(observation.Effective) ?? FhirDates.ToDateOnly(observation.IssuedElement?.Value?.ToString("yyyy-MM-dd"));

    /// <summary>A score sent as <c>valueInteger</c>, a whole <c>valueQuantity</c>, or a <c>valueCodeableConcept</c> with the score as code.</summary>
    public static decimal? Score(DataType? value) => value switch
    {
        Integer i => i.Value,
        Hl7.Fhir.Model.Quantity q => q.Value,
        FhirDecimal d => d.Value,
        CodeableConcept c => c.Coding
            .Select(x => decimal.TryParse(x.Code, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : (decimal?)null)
            .FirstOrDefault(v => v is not null),
        _ => null,
    };

    /// <summary>The value of a component by its LOINC code (blood pressure parts).</summary>
    public static Hl7.Fhir.Model.Quantity? ComponentQuantity(this Observation observation, string loinc) =>
        observation.Component.FirstOrDefault(c => c.Code.HasCoding(TrialCodes.Loinc, loinc))?.Value as Hl7.Fhir.Model.Quantity;

    /// <summary>The upper limit of normal of the first reference range that gives one.</summary>
    public static Hl7.Fhir.Model.Quantity? UpperLimitOfNormal(this Observation observation) =>
        observation.ReferenceRange.Select(r => r.High).FirstOrDefault(h => h?.Value is not null);

    public static string Reference(this Resource resource) => $"{resource.TypeName}/{resource.Id}";
}
