using System.Globalization;
using static FhirTrial.Trial.Datasets.StudyKeys;

namespace FhirTrial.Trial.Datasets.Sdtm;

/// <summary>SDTM LB (Laboratory Test Results) and VS (Vital Signs): each measurement as sent and in its standard unit.</summary>
public static class FindingsDatasets
{
    public static DatasetDefinition Lb { get; } =
        Definition("LB", "Laboratory Test Results", "Lab Test or Examination", DatasetCodelists.LbTest, withLoinc: true);

    public static DatasetDefinition Vs { get; } = Definition("VS", "Vital Signs", "Vital Signs Test", DatasetCodelists.VsTest, withLoinc: false);

    private static DatasetDefinition Definition(string domain, string label, string test, string testCodes, bool withLoinc) =>
        new(domain, label, DatasetStandard.Sdtm, "FINDINGS", "One record per test per time point per subject",
        [
            .. SdtmIdentifiers(domain),
            V(domain + "TESTCD", test + " Short Name", codelist: testCodes),
            V(domain + "TEST", test + " Name"),
            .. withLoinc ? [V(domain + "LOINC", "LOINC Code")] : Array.Empty<DatasetVariable>(),
            V(domain + "ORRES", "Result or Finding in Original Units"),
            V(domain + "ORRESU", "Original Units"),
            .. withLoinc ? [V(domain + "ORNRHI", "Reference Range Upper Limit in Orig Unit")] : Array.Empty<DatasetVariable>(),
            V(domain + "STRESC", "Character Result/Finding in Std Format"),
            V(domain + "STRESN", "Numeric Result/Finding in Standard Units", VariableType.Float),
            V(domain + "STRESU", "Standard Units"),
            V(domain + "DTC", "Date/Time of Measurements", VariableType.IsoDate),
            V(domain + "DY", "Study Day of Measurements", VariableType.Integer),
        ],
        ["STUDYID", "USUBJID", domain + "TESTCD", domain + "DTC"]);

    public static Dataset BuildLb(DatasetStudy study) => Build(study, Lb, FindingDomain.Lb);

    public static Dataset BuildVs(DatasetStudy study) => Build(study, Vs, FindingDomain.Vs);

    private static Dataset Build(DatasetStudy study, DatasetDefinition definition, FindingDomain kind)
    {
        var d = definition.Name;
        var withLoinc = kind == FindingDomain.Lb;
        var rows = new DatasetRows(definition);
        foreach (var subject in study.Subjects)
        {
            var sequence = 0;
            foreach (var f in subject.Findings.Where(f => f.Domain == kind).OrderBy(f => f.Date).ThenBy(f => f.TestCode, StringComparer.Ordinal))
            {
                var values = new List<(string, object?)>
                {
                    (d + "TESTCD", f.TestCode), (d + "TEST", f.Test),
                    (d + "ORRES", Text(f.OriginalValue)), (d + "ORRESU", f.OriginalUnit),
                    (d + "STRESC", f.StandardValue is { } s ? Text(s) : null), (d + "STRESN", f.StandardValue), (d + "STRESU", f.StandardUnit),
                    (d + "DTC", f.Date), (d + "DY", StudyDay(f.Date, subject.FirstDose)),
                };
                if (withLoinc)
                {
                    values.Add((d + "LOINC", f.Loinc));
                    values.Add((d + "ORNRHI", f.UpperLimit is { } high ? Text(high) : null));
                }
                rows.Add([.. SdtmKeys(study, subject, d, ++sequence), .. values]);
            }
        }
        return rows.ToDataset();
    }

    /// <summary>A number as the record wrote it, without trailing zeros.</summary>
    public static string Text(decimal value) => (value / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);
}
