using FhirTrial.Trial.Safety;
using static FhirTrial.Trial.Datasets.StudyKeys;

namespace FhirTrial.Trial.Datasets.Sdtm;

/// <summary>SDTM AE, Adverse Events: every adverse event recorded by the cut-off, as <c>$safety</c> reads it.</summary>
public static class AeDataset
{
    public static DatasetDefinition Definition { get; } = new("AE", "Adverse Events", DatasetStandard.Sdtm, "EVENTS",
        "One record per adverse event per subject",
        [
            .. SdtmIdentifiers("AE"),
            V("AETERM", "Reported Term for the Adverse Event"),
            V("AEDECOD", "Dictionary-Derived Term"),
            V("AEPTCD", "Preferred Term Code"),
            V("AEBODSYS", "Body System or Organ Class"),
            V("AESEV", "Severity/Intensity"),
            V("AESER", "Serious Event", codelist: DatasetCodelists.NoYes),
            V("AEREL", "Causality", codelist: DatasetCodelists.Relatedness),
            V("AETOXGR", "Standard Toxicity Grade", codelist: DatasetCodelists.ToxicityGrade),
            V("AESTDTC", "Start Date/Time of Adverse Event", VariableType.IsoDate),
            V("AESTDY", "Study Day of Start of Adverse Event", VariableType.Integer),
        ],
        ["STUDYID", "USUBJID", "AEDECOD", "AESTDTC"]);

    /// <summary>The subject's events in AESEQ order (onset, then term): ADAE keeps the same sequence numbers.</summary>
    public static IReadOnlyList<DatasetAdverseEvent> InSequence(DatasetSubject subject) =>
        subject.AdverseEvents
            .OrderBy(e => e.Event.Onset ?? DateOnly.MaxValue)
            .ThenBy(e => e.Event.TermCode, StringComparer.Ordinal)
            .ThenBy(e => e.Event.EvidenceId, StringComparer.Ordinal)
            .ToList();

    public static string? Relatedness(Causality causality) => causality switch
    {
        Causality.Related => "RELATED",
        Causality.NotRelated => "NOT RELATED",
        _ => null,
    };

    public static Dataset Build(DatasetStudy study)
    {
        var rows = new DatasetRows(Definition);
        foreach (var subject in study.Subjects)
        {
            var sequence = 0;
            foreach (var (ae, bodySystem) in InSequence(subject))
                rows.Add([
                    .. SdtmKeys(study, subject, "AE", ++sequence),
                    ("AETERM", ae.TermDisplay), ("AEDECOD", ae.TermDisplay), ("AEPTCD", ae.TermCode), ("AEBODSYS", bodySystem),
                    ("AESEV", ae.Severity?.ToString().ToUpperInvariant()), ("AESER", ae.Serious ? "Y" : "N"),
                    ("AEREL", Relatedness(ae.Causality)), ("AETOXGR", ae.Grade?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    ("AESTDTC", ae.Onset), ("AESTDY", StudyDay(ae.Onset, subject.FirstDose)),
                ]);
        }
        return rows.ToDataset();
    }
}
