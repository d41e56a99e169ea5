using FhirTrial.Trial.Recist;
using static FhirTrial.Trial.Datasets.StudyKeys;

namespace FhirTrial.Trial.Datasets.Adam;

/// <summary>
/// ADaM ADRS, Response Analysis Dataset: <c>OVR</c> per time point after baseline and the confirmed <c>BOR</c>, each
/// straight from the RECIST engine's result (<c>$recist-response</c>); AVAL ranks the response (1 CR .. 6 NE).
/// </summary>
public static class AdrsDataset
{
    public const string Overall = "OVR";
    public const string Best = "BOR";

    public static DatasetDefinition Definition { get; } = new("ADRS", "Response Analysis Dataset", DatasetStandard.Adam,
        "BASIC DATA STRUCTURE", "One record per subject per parameter per analysis date",
        [
            .. AdamIdentifiers(),
            V("EFFFL", "Efficacy Population Flag", codelist: DatasetCodelists.NoYes),
            V("TRTSDT", "Date of First Exposure to Treatment", VariableType.NumericDate),
            V("PARAMCD", "Parameter Code", codelist: DatasetCodelists.AdrsParam),
            V("PARAM", "Parameter"),
            V("PARCAT1", "Parameter Category 1"),
            V("AVALC", "Analysis Value (C)", codelist: DatasetCodelists.Response),
            V("AVAL", "Analysis Value", VariableType.Integer),
            V("ADT", "Analysis Date", VariableType.NumericDate),
            V("ADY", "Analysis Relative Day", VariableType.Integer),
        ],
        ["STUDYID", "USUBJID", "PARAMCD", "ADT"]);

    public static Dataset Build(DatasetStudy study)
    {
        var rows = new DatasetRows(Definition);
        foreach (var subject in study.Subjects)
        {
            if (subject.Recist is not { } recist) continue;
            void Add(string code, string parameter, Response response, DateOnly? date) => rows.Add([
                .. AdamKeys(study, subject), ("EFFFL", YesNo(AdslDataset.Evaluable(subject))), ("TRTSDT", subject.FirstDose),
                ("PARAMCD", code), ("PARAM", parameter), ("PARCAT1", Sdtm.TumourDatasets.Category),
                ("AVALC", response.ToCode()), ("AVAL", DatasetCodelists.ResponseRank(response)),
                ("ADT", date), ("ADY", StudyDay(date, subject.FirstDose)),
            ]);
            foreach (var tp in recist.TimePoints)
                Add(Overall, "Overall Response by Investigator", tp.OverallResponse, tp.Date);
            Add(Best, "Best Confirmed Overall Response", recist.BestOverallResponse, recist.FirstResponseDate ?? recist.ProgressionDate);
        }
        return rows.ToDataset();
    }
}
