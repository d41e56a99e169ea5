using FhirTrial.Fhir.Errors;
using FhirTrial.Trial.Fhir.Common;
using FhirTrial.Trial.Settings;
using Hl7.Fhir.Model;
using static FhirTrial.Trial.Fhir.Tests.Fhir;

namespace FhirTrial.Trial.Fhir.Tests;

/// <summary>A study setting given as a Quantity is read in the setting's unit, exactly, or refused (ADR 0006, amended).</summary>
public class StudySettingUnitTests
{
    private static ResearchStudy Study(string code, DataType value)
    {
        var study = new ResearchStudy { Id = "study" };
        var setting = new Extension { Url = TrialCodes.StudySettingExtension };
        setting.Extension.Add(new Extension("code", new Code(code)));
        setting.Extension.Add(new Extension("value", value));
        study.Extension.Add(setting);
        return study;
    }

    [Fact]
    public void Days_and_weeks_are_days()
    {
        Assert.Equal(42, StudySettingsMapper.ToSettings(Study("assessment-interval-days", Ucum(6, "wk"))).AssessmentIntervalDays);
        Assert.Equal(30, StudySettingsMapper.ToSettings(Study("teae-window-days", Ucum(30, "d"))).TeaeWindowDays);
        Assert.Equal(45, StudySettingsMapper.ToSettings(Study("teae-window-days", new Quantity { Value = 45 })).TeaeWindowDays);
    }

    [Fact]
    public void A_mass_setting_is_converted_to_mg()
    {
        Assert.Equal(12m, StudySettingsMapper.ToSettings(Study("lenvatinib-high-dose-mg", Ucum(0.012m, "g"))).LenvatinibHighDoseMg);
    }

    [Fact]
    public void Months_have_no_exact_length_in_days_and_are_refused()
    {
        var error = Assert.Throws<FhirException>(() => StudySettingsMapper.ToSettings(Study("response-horizon-days", Ucum(6, "mo"))));
        Assert.Contains("response-horizon-days", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_setting_the_server_does_not_know_is_ignored_whatever_its_unit()
    {
        Assert.Equal(StudySettings.Default, StudySettingsMapper.ToSettings(Study("visit-length-hours", Ucum(2, "h"))));
    }
}
