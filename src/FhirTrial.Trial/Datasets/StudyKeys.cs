namespace FhirTrial.Trial.Datasets;

/// <summary>The keys and study days every dataset shares (SDTMIG 3.4 section 4.4.4 for --DY).</summary>
public static class StudyKeys
{
    public static string UniqueSubjectId(DatasetStudy study, DatasetSubject subject) => $"{study.StudyId}-{subject.SubjectId}";

    /// <summary>The study day of a date: day 1 is the reference start (first dose), the day before it -1; there is no day 0.</summary>
    public static int? StudyDay(DateOnly? date, DateOnly? reference) =>
        date is { } d && reference is { } r ? d.DayNumber - r.DayNumber + (d >= r ? 1 : 0) : null;

    /// <summary>Whole years from birth to a date; null when either is unknown.</summary>
    public static int? AgeInYears(DateOnly? birth, DateOnly? at)
    {
        if (birth is not { } b || at is not { } a) return null;
        var age = a.Year - b.Year;
        if (a < b.AddYears(age)) age--;
        return age;
    }

    public static string? YesNo(bool? value) => value switch { true => "Y", false => "N", null => null };

    /// <summary>Definitions read as their variables: <c>V("USUBJID", "Unique Subject Identifier")</c>.</summary>
    public static DatasetVariable V(string name, string label, VariableType type = VariableType.Text, string? codelist = null) =>
        new(name, label, type, codelist);

    /// <summary>The identifier variables that open every SDTM dataset.</summary>
    public static IEnumerable<DatasetVariable> SdtmIdentifiers(string domain) =>
    [
        V("STUDYID", "Study Identifier"),
        V("DOMAIN", "Domain Abbreviation", codelist: DatasetCodelists.Domain),
        V("USUBJID", "Unique Subject Identifier"),
        V(domain + "SEQ", "Sequence Number", VariableType.Integer),
    ];

    /// <summary>The identifier variables that open every ADaM dataset.</summary>
    public static IEnumerable<DatasetVariable> AdamIdentifiers() =>
    [
        V("STUDYID", "Study Identifier"),
        V("USUBJID", "Unique Subject Identifier"),
        V("SUBJID", "Subject Identifier for the Study"),
        V("SITEID", "Study Site Identifier"),
    ];

    public static (string, object?)[] AdamKeys(DatasetStudy study, DatasetSubject subject) =>
    [
        ("STUDYID", study.StudyId), ("USUBJID", UniqueSubjectId(study, subject)), ("SUBJID", subject.SubjectId), ("SITEID", subject.SiteId),
    ];

    public static (string, object?)[] SdtmKeys(DatasetStudy study, DatasetSubject subject, string domain, int sequence) =>
    [
        ("STUDYID", study.StudyId), ("DOMAIN", domain), ("USUBJID", UniqueSubjectId(study, subject)), (domain + "SEQ", sequence),
    ];
}
