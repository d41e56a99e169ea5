using FhirTrial.Trial.Recist;

namespace FhirTrial.Trial.Datasets;

/// <summary>A codelist of define.xml: its values and, where the code is not self-explaining, what each means.</summary>
public sealed record Codelist(string Id, string Name, VariableType Type, IReadOnlyList<(string Code, string? Decode)> Items);

/// <summary>
/// The codelists the datasets' variables take their values from (CDISC controlled terminology where it has the term:
/// NY, SEX, AGEU, ROUTE, the RECIST 1.1 responses, TRTESTCD, LBTESTCD, VSTESTCD; the rest are this study's own).
/// </summary>
public static class DatasetCodelists
{
    public const string NoYes = "NY";
    public const string Sex = "SEX";
    public const string AgeUnit = "AGEU";
    public const string Route = "ROUTE";
    public const string Response = "RSRESP";
    public const string RsTest = "RSTESTCD";
    public const string TuResult = "TURESULT";
    public const string TrTest = "TRTESTCD";
    public const string LbTest = "LBTESTCD";
    public const string VsTest = "VSTESTCD";
    public const string Relatedness = "AEREL";
    public const string ToxicityGrade = "TOXGR";
    public const string AdrsParam = "ADRSPARM";
    public const string AdtteParam = "ADTTPARM";
    public const string Censor = "CNSR";
    public const string EndOfStudy = "EOSSTT";
    public const string DsCategory = "DSCAT";
    public const string Domain = "DOMAIN";

    /// <summary>The numeric response codes of ADRS <c>AVAL</c> (best first).</summary>
    public static int ResponseRank(Response response) => response switch
    {
        Recist.Response.CR => 1,
        Recist.Response.PR => 2,
        Recist.Response.SD => 3,
        Recist.Response.NonCrNonPd => 4,
        Recist.Response.PD => 5,
        Recist.Response.NE => 6,
        _ => 7,
    };

    public static IReadOnlyList<Codelist> All { get; } =
    [
        new(NoYes, "No Yes Response", VariableType.Text, [("Y", "Yes"), ("N", "No")]),
        new(Sex, "Sex", VariableType.Text, [("M", "Male"), ("F", "Female"), ("U", "Unknown"), ("UNDIFFERENTIATED", null)]),
        new(AgeUnit, "Age Unit", VariableType.Text, [("YEARS", null)]),
        new(Route, "Route of Administration", VariableType.Text, [("ORAL", null), ("INTRAVENOUS", null)]),
        new(Response, "RECIST 1.1 Response", VariableType.Text,
        [
            ("CR", "Complete response"), ("PR", "Partial response"), ("SD", "Stable disease"), ("NON-CR/NON-PD", "Non-CR/Non-PD"),
            ("PD", "Progressive disease"), ("NE", "Not evaluable"), ("NA", "Not applicable"),
        ]),
        new(RsTest, "Response Test Code", VariableType.Text,
            [("OVRLRESP", "Overall Response"), ("TRGRESP", "Target Response"), ("NTRGRESP", "Non-target Response"), ("BESTRESP", "Best Overall Response")]),
        new(TuResult, "Tumor Identification Result", VariableType.Text, [("TARGET", null), ("NON-TARGET", null), ("NEW", null)]),
        new(TrTest, "Tumor Results Test Code", VariableType.Text,
            [("LDIAM", "Longest Diameter"), ("SAXIS", "Short Axis"), ("SUMDIAM", "Sum of Diameters"), ("TUMSTATE", "Tumor State")]),
        new(LbTest, "Laboratory Test Code", VariableType.Text,
        [
            ("NEUT", "Neutrophils"), ("PLAT", "Platelets"), ("HGB", "Hemoglobin"), ("BILI", "Bilirubin"),
            ("ALT", "Alanine Aminotransferase"), ("AST", "Aspartate Aminotransferase"),
        ]),
        new(VsTest, "Vital Signs Test Code", VariableType.Text,
            [("WEIGHT", "Weight"), ("SYSBP", "Systolic Blood Pressure"), ("DIABP", "Diastolic Blood Pressure")]),
        new(Relatedness, "Causality", VariableType.Text, [("RELATED", null), ("NOT RELATED", null)]),
        new(ToxicityGrade, "CTCAE Grade", VariableType.Text, [("1", "Mild"), ("2", "Moderate"), ("3", "Severe"), ("4", "Life-threatening"), ("5", "Death")]),
        new(AdrsParam, "ADRS Parameter Code", VariableType.Text, [("OVR", "Overall Response by Investigator"), ("BOR", "Best Confirmed Overall Response")]),
        new(AdtteParam, "ADTTE Parameter Code", VariableType.Text,
        [
            ("PFS", "Progression-Free Survival (days)"), ("OS", "Overall Survival (days)"),
            ("DOR", "Duration of Response (days)"), ("TTR", "Time to Response (days)"),
        ]),
        new(Censor, "Censor", VariableType.Integer, [("0", "Event"), ("1", "Censored")]),
        new(EndOfStudy, "End of Study Status", VariableType.Text, [("ONGOING", null), ("DISCONTINUED", null)]),
        new(DsCategory, "Category for Disposition Event", VariableType.Text, [("PROTOCOL MILESTONE", null), ("DISPOSITION EVENT", null)]),
        new(Domain, "Domain Abbreviation", VariableType.Text,
            [("DM", null), ("EX", null), ("AE", null), ("TU", null), ("TR", null), ("RS", null), ("LB", null), ("VS", null), ("DS", null), ("QS", null)]),
    ];
}
