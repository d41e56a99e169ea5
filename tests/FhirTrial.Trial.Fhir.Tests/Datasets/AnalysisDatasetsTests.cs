using System.Globalization;
using System.Text;
using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Indexing;
using FhirTrial.Fhir.Search;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Tests.Shared;
using FhirTrial.Trial.Endpoints;
using FhirTrial.Trial.Fhir.Datasets;
using FhirTrial.Trial.Fhir.Efficacy;
using FhirTrial.Trial.Fhir.Recist;
using FhirTrial.Trial.Fhir.Safety;
using FhirTrial.Trial.Fhir.Tests.Recist;
using Hl7.Fhir.Model;
using static FhirTrial.Trial.Fhir.Tests.Fhir;

namespace FhirTrial.Trial.Fhir.Tests.Datasets;

/// <summary>
/// <c>$analysis-datasets</c> on the example cohort of <c>fhir-examples/cohort/</c> (see <see cref="CohortEfficacyTests"/> for
/// the hand computation): the datasets are approved files at a fixed cut-off, they agree with the operations they come
/// from (ADRS BOR with <c>$recist-response</c>, ADTTE with the samples <c>$efficacy</c> estimates from, ADAE with
/// <c>$safety</c>), and the three formats carry the same rows.
/// </summary>
public sealed class AnalysisDatasetsTests : IAsyncLifetime
{
    private const string Cutoff = RecistOperations.AfterAllData;
    private static readonly DateTimeOffset Made = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] Datasets = ["dm", "ex", "ae", "tu", "tr", "rs", "lb", "vs", "ds", "qs", "adsl", "adrs", "adtte", "adae"];

    private readonly TrialStore _trial = new();

    public async Task InitializeAsync()
    {
        await _trial.InitializeAsync();
        var bundles = new BundleProcessor(_trial.Resources, new SearchService(_trial.Store, _trial.Parser));
        foreach (var file in Directory.GetFiles(Path.Combine(TrialStore.RepositoryRoot(), "fhir-examples", "cohort"), "Bundle-*.json").Order())
            await bundles.ProcessAsync((Bundle)FhirSerializer.ParseJson(await File.ReadAllTextAsync(file)), new RequestContext("http://localhost/fhir"), default);
    }

    public Task DisposeAsync() => _trial.DisposeAsync();

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private AnalysisDatasetsOperation Operation() =>
        new(new DatasetFactsGatherer(new StudyOutcomes(new SubjectFactsGatherer(_trial.Store, _trial.Parser)), _trial.Records, PackageTerms.Ctcae), new FixedClock(Made));

    private async Task<Dictionary<string, byte[]>> ZipAsync(string format, string cutoff = Cutoff, string study = TrialStore.StudyId)
    {
        var result = await Operation().ExecuteAsync(TrialStore.Get("ResearchStudy", study, ("cutoff", cutoff), ("format", format)), default);
        Assert.Equal("application/zip", result.File!.ContentType);
        return DatasetReaders.Unzip(result.File.Content);
    }

    private async Task<Dictionary<string, ReadDataset>> CsvAsync(string cutoff = Cutoff) =>
        (await ZipAsync("csv", cutoff)).Where(e => e.Key.EndsWith(".csv", StringComparison.Ordinal))
            .ToDictionary(e => e.Key[..^4], e => DatasetReaders.Csv(e.Key[..^4], e.Value));

    [Fact]
    public async Task The_example_cohort_datasets_are_the_approved_files()
    {
        var zip = await ZipAsync("csv");
        Assert.Equal([.. Datasets.Select(d => d + ".csv"), "define.xml"], zip.Keys.OrderBy(k => k == "define.xml").ThenBy(k => Array.IndexOf(Datasets, k[..^4])));
        var differences = new List<string>();
        void Verify(string name, string extension, byte[] content)
        {
            try { ApprovedFile.VerifyText(name, extension, Encoding.UTF8.GetString(content)); }
            catch (Xunit.Sdk.XunitException e) { differences.Add(e.Message); }
        }
        foreach (var dataset in Datasets)
            Verify($"datasets/{dataset}", "csv", zip[dataset + ".csv"]);
        Verify("datasets/define", "xml", zip["define.xml"]);
        Assert.True(differences.Count == 0, string.Join("\n", differences));

        // The same data, cut-off and clock give the same bytes.
        var again = await ZipAsync("csv");
        Assert.All(zip, e => Assert.Equal(e.Value, again[e.Key]));
    }

    [Fact]
    public async Task ADRS_and_RS_are_the_responses_of_recist_response()
    {
        var csv = await CsvAsync();
        var recist = new RecistOperations(_trial);
        var adrs = csv["adrs"].Records().ToList();
        var rs = csv["rs"].Records().ToList();
        var subjects = adrs.Select(r => r["SUBJID"]!).Distinct().ToList();
        Assert.Equal(6, subjects.Count);
        foreach (var subject in subjects)
        {
            var p = await recist.GetRecistAsync(subject, Cutoff);
            var bor = adrs.Single(r => r["SUBJID"] == subject && r["PARAMCD"] == "BOR");
            Assert.Equal(p.Out("bestOverallResponse").Text(), bor["AVALC"]);
            Assert.Equal($"{TrialStore.StudyId}-{subject}", bor["USUBJID"]);
            var timepoints = p.All("timepoint").Select(t => ((string?)t.Part("date").Text(), (string?)t.Part("overallResponse").Text())).ToList();
            Assert.Equal(timepoints, adrs.Where(r => r["SUBJID"] == subject && r["PARAMCD"] == "OVR").Select(r => (r["ADT"], r["AVALC"])));
            Assert.Equal(timepoints, rs.Where(r => r["USUBJID"] == $"{TrialStore.StudyId}-{subject}" && r["RSTESTCD"] == "OVRLRESP")
                .Select(r => (r["RSDTC"], r["RSORRES"])));
            Assert.Equal(p.Out("bestOverallResponse").Text(),
                rs.Single(r => r["USUBJID"] == $"{TrialStore.StudyId}-{subject}" && r["RSTESTCD"] == "BESTRESP")["RSORRES"]);
        }
        Assert.Equal(["CR", "PR", "SD", "PD", "NE", "PR"], adrs.Where(r => r["PARAMCD"] == "BOR").Select(r => r["AVALC"]));
    }

    [Fact]
    public async Task ADTTE_is_what_efficacy_estimates_its_curves_from()
    {
        var adtte = (await CsvAsync())["adtte"].Records().ToList();
        var efficacy = await new RecistOperations(_trial).EfficacyAsync(cutoff: Cutoff);
        foreach (var endpoint in new[] { "PFS", "OS", "DOR", "TTR" })
        {
            var rows = adtte.Where(r => r["PARAMCD"] == endpoint).ToList();
            foreach (var row in rows)
                Assert.Equal(DateOnly.Parse(row["ADT"]!, CultureInfo.InvariantCulture).DayNumber - DateOnly.Parse(row["STARTDT"]!, CultureInfo.InvariantCulture).DayNumber + 1,
                    int.Parse(row["AVAL"]!, CultureInfo.InvariantCulture));
            var samples = rows.Select(r => new SurvivalSample(r["SUBJID"]!, int.Parse(r["AVAL"]!, CultureInfo.InvariantCulture) - 1, r["CNSR"] == "0")).ToList();
            var estimate = KaplanMeier.Estimate(samples);
            var part = efficacy.All(endpoint.ToLowerInvariant()).Single();
            Assert.Equal((part.Part("events").Int(), part.Part("censored").Int()), (estimate.Events, estimate.Censored));
            Assert.Equal(part.Part("median").Dec(), estimate.Median);
            Assert.Equal(
                part.Part.Where(x => x.Name == "point").Select(x => (x.Part("time").Dec(), x.Part("survival").Dec(), x.Part("atRisk").Int())),
                estimate.Curve.Select(c => ((decimal?)c.Time, (decimal?)EfficacyParametersMapper.Round(c.Survival), c.AtRisk)));
        }

        // The hand table of CohortEfficacyTests: subject 04 progressed on day 43 and died on day 102; 05 has no scan after first dose.
        var pfs04 = adtte.Single(r => r["SUBJID"] == "cohort-04" && r["PARAMCD"] == "PFS");
        Assert.Equal(("2025-03-10", "2025-04-22", "44", "0", "PROGRESSIVE DISEASE"), (pfs04["STARTDT"], pfs04["ADT"], pfs04["AVAL"], pfs04["CNSR"], pfs04["EVNTDESC"]));
        var os04 = adtte.Single(r => r["SUBJID"] == "cohort-04" && r["PARAMCD"] == "OS");
        Assert.Equal(("2025-06-20", "103", "0", "DEATH"), (os04["ADT"], os04["AVAL"], os04["CNSR"], os04["EVNTDESC"]));
        var pfs05 = adtte.Single(r => r["SUBJID"] == "cohort-05" && r["PARAMCD"] == "PFS");
        Assert.Equal(("1", "1", "NO EVALUABLE ASSESSMENT AFTER FIRST DOSE"), (pfs05["AVAL"], pfs05["CNSR"], pfs05["CNSDTDSC"]));
        Assert.Equal(3, adtte.Count(r => r["PARAMCD"] == "DOR"));
    }

    [Fact]
    public async Task ADSL_and_ADAE_count_the_populations_and_events_of_efficacy_and_safety()
    {
        const string cutoff = "2025-05-15";
        var csv = await CsvAsync(cutoff);
        var safety = (Parameters)(await new SafetyOperation(_trial.Records, PackageTerms.Ctcae)
            .ExecuteAsync(TrialStore.Get("ResearchStudy", TrialStore.StudyId, ("cutoff", cutoff)), default)).Resource!;
        var efficacy = await new RecistOperations(_trial).EfficacyAsync(cutoff: cutoff);
        var adsl = csv["adsl"].Records().ToList();
        Assert.Equal(safety.Out("subjects").Int(), adsl.Count(r => r["SAFFL"] == "Y"));
        Assert.Equal(efficacy.Out("evaluable").Int(), adsl.Count(r => r["EFFFL"] == "Y"));
        Assert.All(adsl, r => Assert.Equal(cutoff, r["DCUTDT"]));

        var adae = csv["adae"].Records().ToList();
        var emergent = adae.Where(r => r["TRTEMFL"] == "Y").ToList();
        Assert.Equal(safety.Out("anyAe").Int(), emergent.Select(r => r["USUBJID"]).Distinct().Count());
        Assert.Equal(safety.Out("anyTrae").Int(), emergent.Where(r => r["AREL"] == "RELATED").Select(r => r["USUBJID"]).Distinct().Count());
        Assert.Equal(safety.Out("grade3Trae").Int(), emergent.Where(r => r["AREL"] == "RELATED" && int.Parse(r["ATOXGR"]!, CultureInfo.InvariantCulture) >= 3)
            .Select(r => r["USUBJID"]).Distinct().Count());

        // Nothing dated after the cut-off: the last scans of the cohort are later.
        Assert.All(csv["rs"].Records(), r => Assert.True(string.CompareOrdinal(r["RSDTC"], cutoff) <= 0, r["RSDTC"]));
        Assert.All(csv["ex"].Records(), r => Assert.True(string.CompareOrdinal(r["EXSTDTC"], cutoff) <= 0, r["EXSTDTC"]));
    }

    [Fact]
    public async Task The_three_formats_carry_the_same_rows()
    {
        var csv = await CsvAsync();
        var xpt = await ZipAsync("xpt");
        var json = await ZipAsync("dataset-json");
        Assert.True(xpt.ContainsKey("define.xml") && json.ContainsKey("define.xml"));
        Assert.Contains("href=\"adsl.xpt\"", Encoding.UTF8.GetString(xpt["define.xml"]));
        foreach (var dataset in Datasets)
        {
            var expected = csv[dataset];
            var fromXpt = DatasetReaders.Xpt(xpt[dataset + ".xpt"]);
            var fromJson = DatasetReaders.DatasetJson(json[dataset + ".json"]);
            Assert.Equal(dataset.ToUpperInvariant(), fromXpt.Name);
            Assert.Equal(expected.Variables.Select(v => v.Name), fromXpt.Variables.Select(v => v.Name));
            Assert.Equal(expected.Variables.Select(v => v.Name), fromJson.Variables.Select(v => v.Name));
            Assert.Equal(expected.Lines(), fromXpt.Lines());
            Assert.Equal(expected.Lines(), fromJson.Lines());
        }
    }

    [Fact]
    public async Task Labs_and_vitals_in_standard_units_and_the_subject_identifier_as_SUBJID()
    {
        var subject = (ResearchSubject)FhirSerializer.ParseJson((await _trial.Store.ReadAsync("ResearchSubject", "cohort-01", default))!.Json);
        subject.Identifier.Add(new Identifier("http://fhirtrial.example.org/fhir/subject", "RJ-001"));
        await _trial.PutAllAsync(
        [
            subject,
            Lab("cohort-01", "1975-2", "2025-01-30", 1.2m, "mg/dL", uln: 1.2m, ulnUnit: "mg/dL"),
            Lab("cohort-01", "751-8", "2025-01-30", 3.1m, "10*9/L"),
            BloodPressure("cohort-01", "2025-01-30", 132m, 84m),
        ]);
        var csv = await CsvAsync();
        var lb = csv["lb"].Records().ToList();
        var bilirubin = lb.Single(r => r["LBTESTCD"] == "BILI");
        Assert.Equal(($"{TrialStore.StudyId}-RJ-001", "1.2", "mg/dL", "1.2", "umol/L", "1975-2"),
            (bilirubin["USUBJID"], bilirubin["LBORRES"], bilirubin["LBORRESU"], bilirubin["LBORNRHI"], bilirubin["LBSTRESU"], bilirubin["LBLOINC"]));
        Assert.Equal(20.52, double.Parse(bilirubin["LBSTRESN"]!, CultureInfo.InvariantCulture), 2);
        Assert.Equal("-4", bilirubin["LBDY"]);
        Assert.Equal("3.1", lb.Single(r => r["LBTESTCD"] == "NEUT")["LBSTRESN"]);
        var vs = csv["vs"].Records().Where(r => r["USUBJID"] == $"{TrialStore.StudyId}-RJ-001").ToList();
        Assert.Equal(["DIABP 84 mmHg", "SYSBP 132 mmHg", "WEIGHT 72 kg"],
            vs.Select(r => $"{r["VSTESTCD"]} {r["VSSTRESN"]} {r["VSSTRESU"]}").Order(StringComparer.Ordinal));
        Assert.Equal("RJ-001", csv["adsl"].Records().Single(r => r["USUBJID"] == $"{TrialStore.StudyId}-RJ-001")["SUBJID"]);
    }

    [Fact]
    public async Task A_bad_cutoff_or_format_is_400_and_an_unknown_study_404()
    {
        var operation = Operation();
        var badCutoff = await Assert.ThrowsAsync<FhirException>(() =>
            operation.ExecuteAsync(TrialStore.Get("ResearchStudy", TrialStore.StudyId, ("cutoff", "2025-13-01")), default));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, badCutoff.Status);
        var badFormat = await Assert.ThrowsAsync<FhirException>(() =>
            operation.ExecuteAsync(TrialStore.Get("ResearchStudy", TrialStore.StudyId, ("format", "sas7bdat")), default));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, badFormat.Status);
        var unknown = await Assert.ThrowsAsync<FhirException>(() => operation.ExecuteAsync(TrialStore.Get("ResearchStudy", "no-such-study"), default));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.Status);

        var posted = await operation.ExecuteAsync(TrialStore.Post("ResearchStudy", TrialStore.StudyId,
            new Parameters { { "cutoff", new Date("2025-03-01") }, { "format", new Code("xpt") } }), default);
        var zip = DatasetReaders.Unzip(posted.File!.Content);
        Assert.Equal("2025-03-01", DatasetReaders.Xpt(zip["adsl.xpt"]).Records().First()["DCUTDT"]);
    }
}
