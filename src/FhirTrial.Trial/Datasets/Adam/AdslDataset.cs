using static FhirTrial.Trial.Datasets.StudyKeys;

namespace FhirTrial.Trial.Datasets.Adam;

/// <summary>
/// ADaM ADSL, Subject-Level Analysis Dataset: treatment dates, the populations of the operations (SAFFL: the safety
/// population of <c>$safety</c>; EFFFL: the response-evaluable population of <c>$efficacy</c>), site, status and cut-off.
/// </summary>
public static class AdslDataset
{
    public static DatasetDefinition Definition { get; } = new("ADSL", "Subject-Level Analysis Dataset", DatasetStandard.Adam,
        "SUBJECT LEVEL ANALYSIS DATASET", "One record per subject",
        [
            .. AdamIdentifiers(),
            V("AGE", "Age", VariableType.Integer),
            V("AGEU", "Age Units", codelist: DatasetCodelists.AgeUnit),
            V("SEX", "Sex", codelist: DatasetCodelists.Sex),
            V("ARM", "Description of Planned Arm"),
            V("ACTARM", "Description of Actual Arm"),
            V("TRT01P", "Planned Treatment for Period 01"),
            V("TRT01A", "Actual Treatment for Period 01"),
            V("ENRLDT", "Date of Enrollment", VariableType.NumericDate),
            V("TRTSDT", "Date of First Exposure to Treatment", VariableType.NumericDate),
            V("TRTEDT", "Date of Last Exposure to Treatment", VariableType.NumericDate),
            V("ITTFL", "Intent-To-Treat Population Flag", codelist: DatasetCodelists.NoYes),
            V("SAFFL", "Safety Population Flag", codelist: DatasetCodelists.NoYes),
            V("EFFFL", "Efficacy Population Flag", codelist: DatasetCodelists.NoYes),
            V("EOSSTT", "End of Study Status", codelist: DatasetCodelists.EndOfStudy),
            V("EOSDT", "End of Study Date", VariableType.NumericDate),
            V("DTHFL", "Subject Death Flag", codelist: DatasetCodelists.NoYes),
            V("DTHDT", "Date of Death", VariableType.NumericDate),
            V("LSTALVDT", "Date Last Known Alive", VariableType.NumericDate),
            V("DCUTDT", "Data Cutoff Date", VariableType.NumericDate),
        ],
        ["STUDYID", "USUBJID"]);

    /// <summary>Response-evaluable (<c>$efficacy</c>): treated with a target lesion measured at baseline.</summary>
    public static bool Evaluable(DatasetSubject subject) => subject.Outcome is { Treated: true, Evaluable: true };

    public static Dataset Build(DatasetStudy study)
    {
        var rows = new DatasetRows(Definition);
        foreach (var subject in study.Subjects)
        {
            var treated = subject.FirstDose is not null;
            var age = AgeInYears(subject.BirthDate, subject.EnrollmentDate ?? subject.FirstDose);
            var lastDose = subject.Exposure?.LastDose ?? (subject.Administrations.Count > 0 ? subject.Administrations.Max(a => a.Date) : null);
            rows.Add([
                .. AdamKeys(study, subject),
                ("AGE", age), ("AGEU", age is null ? null : "YEARS"), ("SEX", subject.Sex),
                ("ARM", study.Arm.Name), ("ACTARM", treated ? study.Arm.Name : Sdtm.DmDataset.NotTreated),
                ("TRT01P", study.Arm.Name), ("TRT01A", treated ? study.Arm.Name : null),
                ("ENRLDT", subject.EnrollmentDate), ("TRTSDT", subject.FirstDose), ("TRTEDT", treated ? lastDose : null),
                ("ITTFL", "Y"), ("SAFFL", YesNo(subject.Exposure is not null)), ("EFFFL", YesNo(Evaluable(subject))),
                ("EOSSTT", subject.LeftStudy ? "DISCONTINUED" : "ONGOING"), ("EOSDT", subject.LeftStudy ? subject.EndDate : null),
                ("DTHFL", subject.DeathDate is null ? null : "Y"), ("DTHDT", subject.DeathDate),
                ("LSTALVDT", subject.DeathDate ?? subject.LastKnownAliveDate), ("DCUTDT", study.Cutoff),
            ]);
        }
        return rows.ToDataset();
    }
}
