using static FhirTrial.Trial.Datasets.StudyKeys;

namespace FhirTrial.Trial.Datasets.Sdtm;

/// <summary>SDTM DM, Demographics: one record per subject; the reference start is the first study-drug dose.</summary>
public static class DmDataset
{
    public const string NotTreatedCode = "NOTTRT";
    public const string NotTreated = "Not Treated";

    public static DatasetDefinition Definition { get; } = new("DM", "Demographics", DatasetStandard.Sdtm, "SPECIAL PURPOSE",
        "One record per subject",
        [
            V("STUDYID", "Study Identifier"),
            V("DOMAIN", "Domain Abbreviation", codelist: DatasetCodelists.Domain),
            V("USUBJID", "Unique Subject Identifier"),
            V("SUBJID", "Subject Identifier for the Study"),
            V("RFSTDTC", "Subject Reference Start Date/Time", VariableType.IsoDate),
            V("RFENDTC", "Subject Reference End Date/Time", VariableType.IsoDate),
            V("RFXSTDTC", "Date/Time of First Study Treatment", VariableType.IsoDate),
            V("RFXENDTC", "Date/Time of Last Study Treatment", VariableType.IsoDate),
            V("RFPENDTC", "Date/Time of End of Participation", VariableType.IsoDate),
            V("DTHDTC", "Date/Time of Death", VariableType.IsoDate),
            V("DTHFL", "Subject Death Flag", codelist: DatasetCodelists.NoYes),
            V("SITEID", "Study Site Identifier"),
            V("BRTHDTC", "Date/Time of Birth", VariableType.IsoDate),
            V("AGE", "Age", VariableType.Integer),
            V("AGEU", "Age Units", codelist: DatasetCodelists.AgeUnit),
            V("SEX", "Sex", codelist: DatasetCodelists.Sex),
            V("ARMCD", "Planned Arm Code"),
            V("ARM", "Description of Planned Arm"),
            V("ACTARMCD", "Actual Arm Code"),
            V("ACTARM", "Description of Actual Arm"),
        ],
        ["STUDYID", "USUBJID"]);

    public static Dataset Build(DatasetStudy study)
    {
        var rows = new DatasetRows(Definition);
        foreach (var subject in study.Subjects)
        {
            var doses = subject.Administrations.Select(a => a.Date).ToList();
            DateOnly? lastDose = doses.Count > 0 ? doses.Max() : null;
            var age = AgeInYears(subject.BirthDate, subject.EnrollmentDate ?? subject.FirstDose);
            var treated = subject.FirstDose is not null;
            rows.Add(
                ("STUDYID", study.StudyId), ("DOMAIN", "DM"), ("USUBJID", UniqueSubjectId(study, subject)), ("SUBJID", subject.SubjectId),
                ("RFSTDTC", subject.FirstDose), ("RFENDTC", subject.LeftStudy ? subject.EndDate ?? lastDose : lastDose),
                ("RFXSTDTC", subject.FirstDose), ("RFXENDTC", lastDose),
                ("RFPENDTC", subject.LeftStudy ? subject.EndDate : null),
                ("DTHDTC", subject.DeathDate), ("DTHFL", subject.DeathDate is null ? null : "Y"),
                ("SITEID", subject.SiteId), ("BRTHDTC", subject.BirthDate), ("AGE", age), ("AGEU", age is null ? null : "YEARS"),
                ("SEX", subject.Sex),
                ("ARMCD", study.Arm.Code), ("ARM", study.Arm.Name),
                ("ACTARMCD", treated ? study.Arm.Code : NotTreatedCode), ("ACTARM", treated ? study.Arm.Name : NotTreated));
        }
        return rows.ToDataset();
    }
}
