using FhirTrial.Trial.Fhir.Common;
using FhirTrial.Trial.Safety;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Safety;

/// <summary>Maps AdverseEvents to <see cref="AdverseEventRecord"/>s (FHIR -> domain); the subject id is the Patient reference.</summary>
public static class AdverseEventMapper
{
    /// <summary>Null for events that did not happen (<c>actuality</c> potential) or have no subject or term.</summary>
    public static AdverseEventRecord? Map(AdverseEvent adverseEvent)
    {
        if (adverseEvent.Actuality == AdverseEvent.AdverseEventActuality.Potential) return null;
        if (RecordReader.ReferenceKey(adverseEvent.Subject?.Reference) is not { } key) return null;
        var subject = $"{key.Type}/{key.Id}";
        if (Term(adverseEvent) is not { Code: { } code } term) return null;

        return new AdverseEventRecord(
            subject,
            code,
            term.Display ?? adverseEvent.Event?.Text ?? code,
            Grade(adverseEvent),
            AdverseEventCodes.ParseSeverity(adverseEvent.Severity?.Coding.Select(c => c.Code).FirstOrDefault()),
            adverseEvent.Seriousness?.Coding.Any(c => c.Code == "serious") == true,
            Causality(adverseEvent))
        {
            Onset = Onset(adverseEvent, PartialDate.Earliest),
            OnsetLatest = Onset(adverseEvent, PartialDate.Latest),
            EvidenceId = adverseEvent.Id is { } id ? $"AdverseEvent/{id}" : null,
            MeddraCodes = adverseEvent.Event!.Coding.Where(IsMeddraLike).Select(c => c.Code).OfType<string>().ToList(),
            Names = adverseEvent.Event.Coding.Select(c => c.Display).Append(adverseEvent.Event.Text)
                .Where(n => !string.IsNullOrWhiteSpace(n)).OfType<string>().ToList(),
        };
    }

    private static readonly string[] MeddraSystems = [TrialCodes.Meddra, "urn:oid:2.16.840.1.113883.6.163"];

    /// <summary>A coding whose code can be a CTCAE (MedDRA) code: MedDRA, a CTCAE system, or no system at all.</summary>
    private static bool IsMeddraLike(Coding coding) =>
        !string.IsNullOrEmpty(coding.Code)
        && (string.IsNullOrEmpty(coding.System) || MeddraSystems.Contains(coding.System)
            || coding.System.Contains("ctcae", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The onset: <c>date</c> (when the event occurred), else <c>detected</c>, else <c>recordedDate</c> (which can only
    /// be later than the onset, so it never moves an event before the first dose).
    /// </summary>
    public static DateOnly? Onset(AdverseEvent adverseEvent, PartialDate partial) =>
        FhirDates.ToDateOnly(adverseEvent.Date, partial)
        ?? FhirDates.ToDateOnly(adverseEvent.Detected, partial)
        ?? FhirDates.ToDateOnly(adverseEvent.RecordedDate, partial);

    /// <summary>The event's term: its first coding (MedDRA or CTCAE, as the EHR sends it).</summary>
    public static Coding? Term(AdverseEvent adverseEvent) =>
        adverseEvent.Event?.Coding.FirstOrDefault(c => !string.IsNullOrEmpty(c.Code));

    /// <summary>The <c>ctcae-grade</c> extension, 1..5; anything else is no grade.</summary>
    public static int? Grade(AdverseEvent adverseEvent) =>
        adverseEvent.GetExtension(TrialCodes.CtcaeGradeExtension)?.Value switch
        {
            Integer { Value: >= 1 and <= 5 } g => g.Value,
            _ => null,
        };

    /// <summary>
    /// Related when an assessment of a study drug (or of a suspect that is not another Medication) says so; not
    /// related when every such assessment says not, or when the only assessments blame another Medication (a
    /// concomitant drug); else unknown.
    /// </summary>
    public static Causality Causality(AdverseEvent adverseEvent)
    {
        static bool IsOtherMedication(AdverseEvent.SuspectEntityComponent s) =>
            RecordReader.IdOf(s.Instance, "Medication") is not null && StudyDrugs.FromReference(s.Instance) is null;

        static Causality[] Assessments(IEnumerable<AdverseEvent.SuspectEntityComponent> suspects) => suspects
            .SelectMany(s => s.Causality)
            .Select(c => c.Assessment?.Coding.FirstOrDefault(x => x.System == TrialCodes.CausalitySystem)?.Code
                         ?? c.Assessment?.Coding.FirstOrDefault()?.Code)
            .Select(AdverseEventCodes.ParseCausality)
            .ToArray();

        var study = Assessments(adverseEvent.SuspectEntity.Where(s => !IsOtherMedication(s)));
        if (study.Contains(Trial.Safety.Causality.Related)) return Trial.Safety.Causality.Related;
        if (study.Length > 0 && study.All(a => a == Trial.Safety.Causality.NotRelated)) return Trial.Safety.Causality.NotRelated;
        if (study.Length == 0 && Assessments(adverseEvent.SuspectEntity.Where(IsOtherMedication)).Length > 0)
            return Trial.Safety.Causality.NotRelated;
        return Trial.Safety.Causality.Unknown;
    }
}
