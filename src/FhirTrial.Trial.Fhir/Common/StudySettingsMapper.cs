using System.Globalization;
using FhirTrial.Trial.Settings;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Common;

/// <summary>
/// Reads <see cref="StudySettings"/> from the <c>study-setting</c> extensions of the ResearchStudy and of its protocol
/// PlanDefinitions (code + value). A setting that is absent keeps the contract's default; the ResearchStudy wins over
/// a PlanDefinition when both name one.
/// </summary>
public static class StudySettingsMapper
{
    private static readonly Dictionary<string, Func<StudySettings, decimal, StudySettings>> Setters = new(StringComparer.Ordinal)
    {
        ["lenvatinib-high-dose-mg"] = (s, v) => s with { LenvatinibHighDoseMg = v },
        ["lenvatinib-low-dose-mg"] = (s, v) => s with { LenvatinibLowDoseMg = v },
        ["weight-threshold-kg"] = (s, v) => s with { WeightThresholdKg = v },
        ["cadonilimab-mg-per-kg"] = (s, v) => s with { CadonilimabMgPerKg = v },
        ["cadonilimab-dose-tolerance"] = (s, v) => s with { CadonilimabDoseTolerance = v },
        ["cadonilimab-interval-days"] = (s, v) => s with { CadonilimabIntervalDays = (int)v },
        ["cadonilimab-earliest-day"] = (s, v) => s with { CadonilimabEarliestDay = (int)v },
        ["cadonilimab-latest-day"] = (s, v) => s with { CadonilimabLatestDay = (int)v },
        ["assessment-interval-days"] = (s, v) => s with { AssessmentIntervalDays = (int)v },
        ["assessment-window-days"] = (s, v) => s with { AssessmentWindowDays = (int)v },
        ["confirmation-interval-days"] = (s, v) => s with { ConfirmationIntervalDays = (int)v },
        ["sd-minimum-days"] = (s, v) => s with { SdMinimumDays = (int)v },
        ["baseline-window-days"] = (s, v) => s with { BaselineWindowDays = (int)v },
        ["pfs-max-gap-days"] = (s, v) => s with { PfsMaxGapDays = (int)v },
        ["response-horizon-days"] = (s, v) => s with { ResponseHorizonDays = (int)v },
        ["responseHorizonDays"] = (s, v) => s with { ResponseHorizonDays = (int)v },
        ["teae-window-days"] = (s, v) => s with { TeaeWindowDays = (int)v },
        ["teaeWindowDays"] = (s, v) => s with { TeaeWindowDays = (int)v },
        ["simon-n1"] = (s, v) => s with { SimonN1 = (int)v },
        ["simon-r1"] = (s, v) => s with { SimonR1 = (int)v },
        ["simon-n"] = (s, v) => s with { SimonN = (int)v },
        ["simon-r"] = (s, v) => s with { SimonR = (int)v },
        ["simon-p0"] = (s, v) => s with { SimonP0 = (double)v },
        ["simon-p1"] = (s, v) => s with { SimonP1 = (double)v },
    };

    /// <summary>The study's settings; <paramref name="protocols"/> are the PlanDefinitions of <c>ResearchStudy.protocol</c>.</summary>
    public static StudySettings ToSettings(ResearchStudy? study, IEnumerable<PlanDefinition>? protocols = null)
    {
        var settings = StudySettings.Default;
        foreach (var plan in protocols ?? [])
            settings = Apply(settings, plan.Extension);
        return study is null ? settings : Apply(settings, study.Extension);
    }

    private static StudySettings Apply(StudySettings settings, IEnumerable<Extension> extensions)
    {
        foreach (var setting in extensions.Where(e => e.Url == TrialCodes.StudySettingExtension))
        {
            var code = setting.GetExtension("code")?.Value switch
            {
                Code c => c.Value,
                FhirString s => s.Value,
                Coding c => c.Code,
                _ => null,
            };
            // A setting this server does not know is ignored, whatever its value.
            if (code is null || !Setters.TryGetValue(code, out var set)) continue;
            var value = setting.GetExtension("value")?.Value switch
            {
                Integer i => i.Value,
                FhirDecimal d => d.Value,
                Hl7.Fhir.Model.Quantity q => InSettingUnit(code, q),
                FhirString s when decimal.TryParse(s.Value, NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed) => parsed,
                _ => (decimal?)null,
            };
            if (value is { } v)
                settings = set(settings, v);
        }
        return settings;
    }

    /// <summary>
    /// A Quantity in the unit the setting's code names (CONTRACT.md section 7: <c>-days</c>, <c>-mg</c>, <c>-kg</c>,
    /// <c>mg-per-kg</c>; the rest are plain numbers). Days are exact: UCUM <c>d</c>, or <c>wk</c> x 7 (24 wk = 168 days).
    /// A unit that cannot be turned into the setting's unit exactly (<c>mo</c>, <c>a</c>, a mass for a day count) is
    /// refused with a 422, never read as its bare number: a horizon of 24 wk read as 24 days could stop a trial for
    /// futility (ADR 0006, amended). A Quantity without a unit is read as the setting's unit.
    /// </summary>
    private static decimal? InSettingUnit(string code, Hl7.Fhir.Model.Quantity quantity)
    {
        if (quantity.Value is not { } value) return null;
        var unit = quantity.Code ?? quantity.Unit;
        if (string.IsNullOrWhiteSpace(unit)) return value;
        var converted = code switch
        {
            _ when code.EndsWith("-days", StringComparison.Ordinal) || code.EndsWith("Days", StringComparison.Ordinal) =>
                quantity.System is null or TrialCodes.Ucum ? unit.Trim() switch { "d" => value, "wk" => value * 7, _ => null } : null,
            _ when code.EndsWith("-mg", StringComparison.Ordinal) => UcumConversion.TryConvert(quantity, "mg"),
            _ when code.EndsWith("mg-per-kg", StringComparison.Ordinal) => UcumConversion.TryConvert(quantity, "mg/kg"),
            _ when code.EndsWith("-kg", StringComparison.Ordinal) => UcumConversion.TryConvert(quantity, "kg"),
            _ => unit.Trim() == "1" ? value : null,
        };
        return converted ?? throw FhirTrial.Fhir.Errors.FhirException.Unprocessable(
            $"Study setting '{code}' is given as {value} {unit}, which cannot be read exactly in the setting's unit " +
            "(days: UCUM d or wk; doses: a mass; weights: kg or another mass; other settings: a plain number).");
    }

    /// <summary>The ids of the PlanDefinitions a ResearchStudy names as its protocol.</summary>
    public static IEnumerable<string> ProtocolReferences(ResearchStudy study) =>
        study.Protocol.Select(p => p.Reference).OfType<string>().Where(r => r.StartsWith("PlanDefinition/", StringComparison.Ordinal));
}
