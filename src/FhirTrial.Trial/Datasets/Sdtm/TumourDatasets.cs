using FhirTrial.Trial.Recist;
using static FhirTrial.Trial.Datasets.StudyKeys;

namespace FhirTrial.Trial.Datasets.Sdtm;

/// <summary>
/// SDTM TU (Tumor/Lesion Identification), TR (Tumor/Lesion Results) and RS (Disease Response) from the lesions and
/// scans the RECIST engine read and the responses it computed (<c>$recist-response</c>): nothing is re-derived here.
/// </summary>
public static class TumourDatasets
{
    public const string Category = "RECIST 1.1";
    public const string Investigator = "INVESTIGATOR";

    public static DatasetDefinition Tu { get; } = new("TU", "Tumor/Lesion Identification", DatasetStandard.Sdtm, "FINDINGS",
        "One record per identified tumor per subject",
        [
            .. SdtmIdentifiers("TU"),
            V("TULNKID", "Link ID"),
            V("TUTESTCD", "Tumor Identification Short Name"),
            V("TUTEST", "Tumor Identification Test Name"),
            V("TUORRES", "Tumor Identification Result", codelist: DatasetCodelists.TuResult),
            V("TUSTRESC", "Tumor Identification Result Std. Format", codelist: DatasetCodelists.TuResult),
            V("TULOC", "Location of the Tumor"),
            V("TUNODE", "Lymph Node Flag", codelist: DatasetCodelists.NoYes),
            V("TUEVAL", "Evaluator"),
            V("TUDTC", "Date/Time of Tumor Identification", VariableType.IsoDate),
            V("TUDY", "Study Day of Tumor Identification", VariableType.Integer),
        ],
        ["STUDYID", "USUBJID", "TULNKID"]);

    public static DatasetDefinition Tr { get; } = new("TR", "Tumor/Lesion Results", DatasetStandard.Sdtm, "FINDINGS",
        "One record per tumor measurement/assessment per visit per subject",
        [
            .. SdtmIdentifiers("TR"),
            V("TRGRPID", "Group ID"),
            V("TRLNKID", "Link ID"),
            V("TRTESTCD", "Tumor Assessment Short Name", codelist: DatasetCodelists.TrTest),
            V("TRTEST", "Tumor Assessment Test Name"),
            V("TRORRES", "Result or Finding in Original Units"),
            V("TRORRESU", "Original Units"),
            V("TRSTRESC", "Character Result/Finding in Std Format"),
            V("TRSTRESN", "Numeric Result/Finding in Standard Units", VariableType.Float),
            V("TRSTRESU", "Standard Units"),
            V("TRSTAT", "Completion Status"),
            V("TREVAL", "Evaluator"),
            V("TRDTC", "Date/Time of Tumor Measurement", VariableType.IsoDate),
            V("TRDY", "Study Day of Tumor Measurement", VariableType.Integer),
        ],
        ["STUDYID", "USUBJID", "TRDTC", "TRLNKID", "TRTESTCD"]);

    public static DatasetDefinition Rs { get; } = new("RS", "Disease Response", DatasetStandard.Sdtm, "FINDINGS",
        "One record per response assessment per time point per subject",
        [
            .. SdtmIdentifiers("RS"),
            V("RSCAT", "Category for Assessment"),
            V("RSTESTCD", "Assessment Short Name", codelist: DatasetCodelists.RsTest),
            V("RSTEST", "Assessment Name"),
            V("RSORRES", "Result or Finding in Original Units", codelist: DatasetCodelists.Response),
            V("RSSTRESC", "Character Result/Finding in Std Format", codelist: DatasetCodelists.Response),
            V("RSEVAL", "Evaluator"),
            V("RSDTC", "Date/Time of Assessment", VariableType.IsoDate),
            V("RSDY", "Study Day of Assessment", VariableType.Integer),
        ],
        ["STUDYID", "USUBJID", "RSTESTCD", "RSDTC"]);

    /// <summary>The lesion's link id: its label (T1, NT1...) when recorded, else its BodyStructure id.</summary>
    public static string LinkId(Lesion lesion) => lesion.Label ?? lesion.Id;

    private static string RoleResult(LesionRole role) => role switch
    {
        LesionRole.Target => "TARGET",
        LesionRole.NonTarget => "NON-TARGET",
        _ => "NEW",
    };

    public static Dataset BuildTu(DatasetStudy study)
    {
        var rows = new DatasetRows(Tu);
        foreach (var subject in study.Subjects)
        {
            var firstSeen = FirstSeen(subject);
            var sequence = 0;
            foreach (var lesion in subject.Lesions.OrderBy(l => l.Role).ThenBy(LinkId, StringComparer.Ordinal))
            {
                var seen = firstSeen.TryGetValue(lesion.Id, out var date) ? date : (DateOnly?)null;
                rows.Add([
                    .. SdtmKeys(study, subject, "TU", ++sequence),
                    ("TULNKID", LinkId(lesion)), ("TUTESTCD", "TUMIDENT"), ("TUTEST", "Tumor Identification"),
                    ("TUORRES", RoleResult(lesion.Role)), ("TUSTRESC", RoleResult(lesion.Role)), ("TULOC", lesion.OrganName ?? lesion.Organ),
                    ("TUNODE", lesion.IsLymphNode ? "Y" : "N"), ("TUEVAL", Investigator), ("TUDTC", seen), ("TUDY", StudyDay(seen, subject.FirstDose)),
                ]);
            }
        }
        return rows.ToDataset();
    }

    public static Dataset BuildTr(DatasetStudy study)
    {
        var rows = new DatasetRows(Tr);
        foreach (var subject in study.Subjects)
        {
            var lesions = subject.Lesions.ToDictionary(l => l.Id, StringComparer.Ordinal);
            string Link(string id) => lesions.TryGetValue(id, out var l) ? LinkId(l) : id;
            bool IsNode(string id) => lesions.TryGetValue(id, out var l) && l.IsLymphNode;

            var records = new List<(DateOnly Date, int Order, string Link, (string, object?)[] Values)>();
            foreach (var m in subject.Measurements)
            {
                var (code, test) = IsNode(m.LesionId) ? ("SAXIS", "Short Axis") : ("LDIAM", "Longest Diameter");
                records.Add((m.Date, 0, Link(m.LesionId), m.Millimetres is { } mm
                    ? [("TRGRPID", "TARGET"), ("TRTESTCD", code), ("TRTEST", test), ("TRORRES", FindingsDatasets.Text(mm)), ("TRORRESU", "mm"),
                        ("TRSTRESC", FindingsDatasets.Text(mm)), ("TRSTRESN", mm), ("TRSTRESU", "mm")]
                    : [("TRGRPID", "TARGET"), ("TRTESTCD", code), ("TRTEST", test), ("TRSTAT", "NOT DONE")]));
            }
            foreach (var a in subject.NonTargetAssessments)
            {
                var state = a.Status switch
                {
                    NonTargetStatus.Present => "PRESENT",
                    NonTargetStatus.Absent => "ABSENT",
                    NonTargetStatus.UnequivocalProgression => "UNEQUIVOCAL PROGRESSION",
                    _ => null,
                };
                records.Add((a.Date, 1, Link(a.LesionId), state is null
                    ? [("TRGRPID", "NON-TARGET"), ("TRTESTCD", "TUMSTATE"), ("TRTEST", "Tumor State"), ("TRSTAT", "NOT DONE")]
                    : [("TRGRPID", "NON-TARGET"), ("TRTESTCD", "TUMSTATE"), ("TRTEST", "Tumor State"), ("TRORRES", state), ("TRSTRESC", state)]));
            }
            foreach (var n in subject.NewLesions)
            {
                var certainty = n.Certainty == NewLesionCertainty.Unequivocal ? "UNEQUIVOCAL" : "EQUIVOCAL";
                records.Add((n.Date, 2, Link(n.LesionId),
                    [("TRGRPID", "NEW"), ("TRTESTCD", "TUMSTATE"), ("TRTEST", "Tumor State"), ("TRORRES", certainty), ("TRSTRESC", certainty)]));
            }
            // The sums as the RECIST engine computed them: at baseline and at each time point where all targets were measured.
            if (subject.Recist is { BaselineDate: { } baselineDate, BaselineSum: { } baselineSum })
                records.Add((baselineDate, 3, "", Sum(baselineSum)));
            foreach (var tp in subject.Recist?.TimePoints ?? [])
                if (tp.TargetSum is { } sum)
                    records.Add((tp.Date, 3, "", Sum(sum)));

            var sequence = 0;
            foreach (var r in records.OrderBy(r => r.Date).ThenBy(r => r.Order).ThenBy(r => r.Link, StringComparer.Ordinal))
                rows.Add([
                    .. SdtmKeys(study, subject, "TR", ++sequence), ("TRLNKID", r.Link), .. r.Values,
                    ("TREVAL", Investigator), ("TRDTC", r.Date), ("TRDY", StudyDay(r.Date, subject.FirstDose)),
                ]);
        }
        return rows.ToDataset();
    }

    private static (string, object?)[] Sum(decimal mm) =>
    [
        ("TRGRPID", "TARGET"), ("TRTESTCD", "SUMDIAM"), ("TRTEST", "Sum of Diameters"), ("TRORRES", FindingsDatasets.Text(mm)), ("TRORRESU", "mm"),
        ("TRSTRESC", FindingsDatasets.Text(mm)), ("TRSTRESN", mm), ("TRSTRESU", "mm"),
    ];

    /// <summary>
    /// RS: per time point after baseline the target, non-target and overall response (<c>OVRLRESP</c>), then the confirmed
    /// best overall response (<c>BESTRESP</c>), all as <c>$recist-response</c> answers them.
    /// </summary>
    public static Dataset BuildRs(DatasetStudy study)
    {
        var rows = new DatasetRows(Rs);
        foreach (var subject in study.Subjects)
        {
            if (subject.Recist is not { } recist) continue;
            var sequence = 0;
            void Add(string code, string test, Response response, DateOnly? date) => rows.Add([
                .. SdtmKeys(study, subject, "RS", ++sequence),
                ("RSCAT", Category), ("RSTESTCD", code), ("RSTEST", test), ("RSORRES", response.ToCode()), ("RSSTRESC", response.ToCode()),
                ("RSEVAL", Investigator), ("RSDTC", date), ("RSDY", StudyDay(date, subject.FirstDose)),
            ]);
            foreach (var tp in recist.TimePoints)
            {
                Add("TRGRESP", "Target Response", tp.TargetResponse, tp.Date);
                Add("NTRGRESP", "Non-target Response", tp.NonTargetResponse, tp.Date);
                Add("OVRLRESP", "Overall Response", tp.OverallResponse, tp.Date);
            }
            Add("BESTRESP", "Best Overall Response", recist.BestOverallResponse, recist.FirstResponseDate ?? recist.ProgressionDate);
        }
        return rows.ToDataset();
    }

    private static Dictionary<string, DateOnly> FirstSeen(DatasetSubject subject)
    {
        var seen = new Dictionary<string, DateOnly>(StringComparer.Ordinal);
        void Saw(string id, DateOnly date)
        {
            if (!seen.TryGetValue(id, out var earlier) || date < earlier) seen[id] = date;
        }
        foreach (var m in subject.Measurements) Saw(m.LesionId, m.Date);
        foreach (var a in subject.NonTargetAssessments) Saw(a.LesionId, a.Date);
        foreach (var n in subject.NewLesions) Saw(n.LesionId, n.Date);
        return seen;
    }
}
