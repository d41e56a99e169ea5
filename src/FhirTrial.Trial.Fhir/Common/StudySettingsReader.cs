using FhirTrial.Trial.Settings;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Common;

/// <summary>Reads a study's settings from its ResearchStudy and protocol PlanDefinitions in the store.</summary>
public static class StudySettingsReader
{
    /// <summary>The study's settings; the contract's defaults when the study (or its id) is unknown.</summary>
    public static async Task<StudySettings> ReadAsync(RecordReader records, string? studyId, CancellationToken ct)
    {
        if (studyId is null || await records.ReadAsync<ResearchStudy>(studyId, ct) is not { } study)
            return StudySettings.Default;
        return await ReadAsync(records, study, ct);
    }

    public static async Task<StudySettings> ReadAsync(RecordReader records, ResearchStudy study, CancellationToken ct)
    {
        var protocols = await records.ReadManyAsync(StudySettingsMapper.ProtocolReferences(study), ct);
        return StudySettingsMapper.ToSettings(study, protocols.Values.OfType<PlanDefinition>());
    }
}
