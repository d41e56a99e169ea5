using System.Globalization;
using static FhirTrial.Trial.Datasets.StudyKeys;

namespace FhirTrial.Trial.Datasets.Sdtm;

/// <summary>SDTM QS, Questionnaires: each answered item of the EORTC QLQ-C30 and QLQ-H&amp;N35 responses.</summary>
public static class QsDataset
{
    public static DatasetDefinition Definition { get; } = new("QS", "Questionnaires", DatasetStandard.Sdtm, "FINDINGS",
        "One record per questionnaire per question per time point per subject",
        [
            .. SdtmIdentifiers("QS"),
            V("QSCAT", "Category of Question"),
            V("QSTESTCD", "Question Short Name"),
            V("QSTEST", "Question Name"),
            V("QSORRES", "Finding in Original Units"),
            V("QSSTRESC", "Character Result/Finding in Std Format"),
            V("QSSTRESN", "Numeric Finding in Standard Units", VariableType.Integer),
            V("QSDTC", "Date/Time of Finding", VariableType.IsoDate),
            V("QSDY", "Study Day of Finding", VariableType.Integer),
        ],
        ["STUDYID", "USUBJID", "QSCAT", "QSTESTCD", "QSDTC"]);

    public static Dataset Build(DatasetStudy study)
    {
        var rows = new DatasetRows(Definition);
        foreach (var subject in study.Subjects)
        {
            var sequence = 0;
            foreach (var a in subject.Answers.OrderBy(a => a.Date).ThenBy(a => a.Category, StringComparer.Ordinal).ThenBy(a => a.TestCode, StringComparer.Ordinal))
            {
                var answer = a.Answer.ToString(CultureInfo.InvariantCulture);
                rows.Add([
                    .. SdtmKeys(study, subject, "QS", ++sequence),
                    ("QSCAT", a.Category), ("QSTESTCD", a.TestCode), ("QSTEST", a.Test), ("QSORRES", answer), ("QSSTRESC", answer),
                    ("QSSTRESN", a.Answer), ("QSDTC", a.Date), ("QSDY", StudyDay(a.Date, subject.FirstDose)),
                ]);
            }
        }
        return rows.ToDataset();
    }
}
