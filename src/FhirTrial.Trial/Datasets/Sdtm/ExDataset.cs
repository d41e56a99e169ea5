using static FhirTrial.Trial.Datasets.StudyKeys;

namespace FhirTrial.Trial.Datasets.Sdtm;

/// <summary>SDTM EX, Exposure: one record per completed study-drug administration, in date order.</summary>
public static class ExDataset
{
    public static DatasetDefinition Definition { get; } = new("EX", "Exposure", DatasetStandard.Sdtm, "INTERVENTIONS",
        "One record per administration per subject",
        [
            .. SdtmIdentifiers("EX"),
            V("EXTRT", "Name of Treatment"),
            V("EXDOSE", "Dose", VariableType.Float),
            V("EXDOSU", "Dose Units"),
            V("EXROUTE", "Route of Administration", codelist: DatasetCodelists.Route),
            V("EXSTDTC", "Start Date/Time of Treatment", VariableType.IsoDate),
            V("EXENDTC", "End Date/Time of Treatment", VariableType.IsoDate),
            V("EXSTDY", "Study Day of Start of Treatment", VariableType.Integer),
        ],
        ["STUDYID", "USUBJID", "EXTRT", "EXSTDTC"]);

    public static Dataset Build(DatasetStudy study)
    {
        var rows = new DatasetRows(Definition);
        foreach (var subject in study.Subjects)
        {
            var sequence = 0;
            foreach (var dose in subject.Administrations.OrderBy(a => a.Date).ThenBy(a => a.Treatment, StringComparer.Ordinal))
                rows.Add([
                    .. SdtmKeys(study, subject, "EX", ++sequence),
                    ("EXTRT", dose.Treatment), ("EXDOSE", dose.DoseMg), ("EXDOSU", dose.DoseMg is null ? null : "mg"), ("EXROUTE", dose.Route),
                    ("EXSTDTC", dose.Date), ("EXENDTC", dose.Date), ("EXSTDY", StudyDay(dose.Date, subject.FirstDose)),
                ]);
        }
        return rows.ToDataset();
    }
}
