using static FhirTrial.Trial.Datasets.StudyKeys;

namespace FhirTrial.Trial.Datasets.Sdtm;

/// <summary>
/// SDTM DS, Disposition: enrollment (a protocol milestone), leaving the study (withdrawn or off-study, at the
/// ResearchSubject's period.end) and death, each by the cut-off.
/// </summary>
public static class DsDataset
{
    public const string Milestone = "PROTOCOL MILESTONE";
    public const string DispositionEvent = "DISPOSITION EVENT";

    public static DatasetDefinition Definition { get; } = new("DS", "Disposition", DatasetStandard.Sdtm, "EVENTS",
        "One record per disposition status or protocol milestone per subject",
        [
            .. SdtmIdentifiers("DS"),
            V("DSTERM", "Reported Term for the Disposition Event"),
            V("DSDECOD", "Standardized Disposition Term"),
            V("DSCAT", "Category for Disposition Event", codelist: DatasetCodelists.DsCategory),
            V("DSSTDTC", "Start Date/Time of Disposition Event", VariableType.IsoDate),
            V("DSSTDY", "Study Day of Start of Disposition Event", VariableType.Integer),
        ],
        ["STUDYID", "USUBJID", "DSSTDTC", "DSDECOD"]);

    public static Dataset Build(DatasetStudy study)
    {
        var rows = new DatasetRows(Definition);
        foreach (var subject in study.Subjects)
        {
            var events = new List<(string Term, string Decode, string Category, DateOnly? Date)>();
            if (subject.EnrollmentDate is { } enrolled)
                events.Add(("ENROLLED IN STUDY", "ENROLLED", Milestone, enrolled));
            if (subject.LeftStudy)
                events.Add(subject.Status == "withdrawn"
                    ? ("WITHDRAWN FROM STUDY", "WITHDRAWAL BY SUBJECT", DispositionEvent, subject.EndDate)
                    : ("OFF STUDY", "DISCONTINUED", DispositionEvent, subject.EndDate));
            if (subject.DeathDate is { } died)
                events.Add(("DEATH", "DEATH", DispositionEvent, died));

            var sequence = 0;
            foreach (var (term, decode, category, date) in events.OrderBy(e => e.Date ?? DateOnly.MaxValue))
                rows.Add([
                    .. SdtmKeys(study, subject, "DS", ++sequence),
                    ("DSTERM", term), ("DSDECOD", decode), ("DSCAT", category), ("DSSTDTC", date), ("DSSTDY", StudyDay(date, subject.FirstDose)),
                ]);
        }
        return rows.ToDataset();
    }
}
