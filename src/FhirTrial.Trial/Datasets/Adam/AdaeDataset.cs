using System.Globalization;
using FhirTrial.Trial.Safety;
using static FhirTrial.Trial.Datasets.StudyKeys;

namespace FhirTrial.Trial.Datasets.Adam;

/// <summary>
/// ADaM ADAE, Adverse Event Analysis Dataset: the adverse events of the safety population, flagged treatment-emergent by
/// the rule <c>$safety</c> counts with (<see cref="TreatmentEmergence.Classify"/>); AREL counts an unassessed event as
/// related as <c>$safety</c> does (ADR 0004), ATOXGR is the grade <c>$safety</c> counts (CTCAE, else from severity).
/// </summary>
public static class AdaeDataset
{
    public static DatasetDefinition Definition { get; } = new("ADAE", "Adverse Event Analysis Dataset", DatasetStandard.Adam,
        "OCCURRENCE DATA STRUCTURE", "One record per subject per adverse event",
        [
            .. AdamIdentifiers(),
            V("SAFFL", "Safety Population Flag", codelist: DatasetCodelists.NoYes),
            V("TRTSDT", "Date of First Exposure to Treatment", VariableType.NumericDate),
            V("TRTEDT", "Date of Last Exposure to Treatment", VariableType.NumericDate),
            V("AESEQ", "Sequence Number", VariableType.Integer),
            V("AETERM", "Reported Term for the Adverse Event"),
            V("AEDECOD", "Dictionary-Derived Term"),
            V("AEPTCD", "Preferred Term Code"),
            V("AEBODSYS", "Body System or Organ Class"),
            V("ASTDT", "Analysis Start Date", VariableType.NumericDate),
            V("ASTDY", "Analysis Start Relative Day", VariableType.Integer),
            V("TRTEMFL", "Treatment Emergent Analysis Flag", codelist: DatasetCodelists.NoYes),
            V("AESER", "Serious Event", codelist: DatasetCodelists.NoYes),
            V("AEREL", "Causality", codelist: DatasetCodelists.Relatedness),
            V("AREL", "Analysis Causality", codelist: DatasetCodelists.Relatedness),
            V("AETOXGR", "Standard Toxicity Grade", codelist: DatasetCodelists.ToxicityGrade),
            V("ATOXGR", "Analysis Toxicity Grade", codelist: DatasetCodelists.ToxicityGrade),
        ],
        ["STUDYID", "USUBJID", "AESEQ"]);

    public static Dataset Build(DatasetStudy study)
    {
        var rows = new DatasetRows(Definition);
        foreach (var subject in study.Subjects)
        {
            if (subject.Exposure is not { } exposure) continue;
            var sequence = 0;
            foreach (var (ae, bodySystem) in Sdtm.AeDataset.InSequence(subject))
            {
                var emergent = TreatmentEmergence.Classify(ae, exposure, study.Cutoff, study.Settings) == AdverseEventTiming.TreatmentEmergent;
                rows.Add([
                    .. AdamKeys(study, subject), ("SAFFL", "Y"), ("TRTSDT", exposure.FirstDose), ("TRTEDT", exposure.LastDose),
                    ("AESEQ", ++sequence), ("AETERM", ae.TermDisplay), ("AEDECOD", ae.TermDisplay), ("AEPTCD", ae.TermCode), ("AEBODSYS", bodySystem),
                    ("ASTDT", ae.Onset), ("ASTDY", StudyDay(ae.Onset, exposure.FirstDose)), ("TRTEMFL", emergent ? "Y" : null),
                    ("AESER", ae.Serious ? "Y" : "N"), ("AEREL", Sdtm.AeDataset.Relatedness(ae.Causality)),
                    ("AREL", ae.Causality == Causality.NotRelated ? "NOT RELATED" : "RELATED"),
                    ("AETOXGR", ae.Grade?.ToString(CultureInfo.InvariantCulture)), ("ATOXGR", ae.EffectiveGrade?.ToString(CultureInfo.InvariantCulture)),
                ]);
            }
        }
        return rows.ToDataset();
    }
}
