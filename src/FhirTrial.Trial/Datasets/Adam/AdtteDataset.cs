using FhirTrial.Trial.Endpoints;
using static FhirTrial.Trial.Datasets.StudyKeys;

namespace FhirTrial.Trial.Datasets.Adam;

/// <summary>
/// ADaM ADTTE, Time-to-Event Analysis Dataset: PFS and OS per treated subject, DOR and TTR per confirmed responder,
/// each the sample <c>$efficacy</c> estimates from (<see cref="TimeToEvent"/>): <c>AVAL = ADT - STARTDT + 1</c> days,
/// <c>CNSR</c> 0 for an event and 1 when censored, with what the event was or why it was censored.
/// </summary>
public static class AdtteDataset
{
    public static DatasetDefinition Definition { get; } = new("ADTTE", "Time-to-Event Analysis Dataset", DatasetStandard.Adam,
        "BASIC DATA STRUCTURE", "One record per subject per parameter",
        [
            .. AdamIdentifiers(),
            V("EFFFL", "Efficacy Population Flag", codelist: DatasetCodelists.NoYes),
            V("PARAMCD", "Parameter Code", codelist: DatasetCodelists.AdtteParam),
            V("PARAM", "Parameter"),
            V("STARTDT", "Time-to-Event Origin Date for Subject", VariableType.NumericDate),
            V("ADT", "Analysis Date", VariableType.NumericDate),
            V("AVAL", "Analysis Value", VariableType.Integer),
            V("CNSR", "Censor", VariableType.Integer, DatasetCodelists.Censor),
            V("EVNTDESC", "Event or Censoring Description"),
            V("CNSDTDSC", "Censor Date Description"),
        ],
        ["STUDYID", "USUBJID", "PARAMCD"]);

    /// <summary>The endpoints in the order <c>$efficacy</c> gives them, each with its sample of one subject.</summary>
    public static IEnumerable<(string Code, string Parameter, SurvivalSample? Sample)> Samples(SubjectOutcome outcome, Settings.StudySettings settings) =>
    [
        ("PFS", "Progression-Free Survival (days)", TimeToEvent.ProgressionFreeSurvival(outcome, settings)),
        ("OS", "Overall Survival (days)", TimeToEvent.OverallSurvival(outcome)),
        ("DOR", "Duration of Response (days)", TimeToEvent.DurationOfResponse(outcome, settings)),
        ("TTR", "Time to Response (days)", TimeToEvent.TimeToResponse(outcome)),
    ];

    public static Dataset Build(DatasetStudy study)
    {
        var rows = new DatasetRows(Definition);
        foreach (var subject in study.Subjects)
        {
            if (subject.Outcome is not { Treated: true } outcome) continue;
            foreach (var (code, parameter, sample) in Samples(outcome, study.Settings))
            {
                if (sample is not { Origin: { } origin, End: { } end }) continue;
                rows.Add([
                    .. AdamKeys(study, subject), ("EFFFL", YesNo(AdslDataset.Evaluable(subject))),
                    ("PARAMCD", code), ("PARAM", parameter), ("STARTDT", origin), ("ADT", end),
                    ("AVAL", end.DayNumber - origin.DayNumber + 1), ("CNSR", sample.Event ? 0 : 1),
                    ("EVNTDESC", sample.Description), ("CNSDTDSC", sample.Event ? null : sample.Description),
                ]);
            }
        }
        return rows.ToDataset();
    }
}
