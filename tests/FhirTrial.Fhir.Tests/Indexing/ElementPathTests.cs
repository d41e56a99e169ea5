using FhirTrial.Fhir.Indexing;
using FhirTrial.Fhir.Package;
using FhirTrial.Fhir.Serialization;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Tests.Indexing;

/// <summary>Index extraction through element paths gives the rows FHIRPath gives, on real data.</summary>
public class ElementPathTests
{
    private static readonly SearchParameterRegistry Registry = EngineRegistry.Instance;
    private static readonly IndexExtractor Fast = new(Registry, derivedRows: true);
    private static readonly IndexExtractor Reference = new(Registry, elementPaths: false, derivedRows: true);
    internal static readonly string RepositoryRoot = Path.GetDirectoryName(ProjectFolders.Find("FhirTrial.sln"))!;

    public static TheoryData<string> DataFiles()
    {
        var data = new TheoryData<string>();
        foreach (var folder in new[] { "tests/data/synthea", "fhir-examples" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryRoot, folder), "*.json", SearchOption.AllDirectories).Order())
                data.Add(Path.GetRelativePath(RepositoryRoot, file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(DataFiles))]
    public void Element_paths_index_what_FHIRPath_indexes(string file)
    {
        var resource = FhirSerializer.ParseJson(File.ReadAllText(Path.Combine(RepositoryRoot, file)));
        var resources = resource is Bundle bundle ? bundle.Entry.Select(e => e.Resource).OfType<Resource>().Prepend(bundle) : [resource];
        foreach (var r in resources)
            Assert.Equal(Rows(Reference.Extract(r)), Rows(Fast.Extract(r)));
    }

    [Theory]
    [InlineData("Observation", "Observation.code")]
    [InlineData("Observation", "(Observation.value as Quantity) | (Observation.value as SampledData)")]
    [InlineData("Observation", "(Observation.value as string) | (Observation.value as CodeableConcept).text")]
    [InlineData("Observation", "Observation | Observation.component")]
    [InlineData("Observation", "value.as(Quantity)")]
    public void Plain_paths_compile(string type, string expression) => Assert.NotNull(ElementPath.TryCompile(type, expression));

    [Theory]
    [InlineData("Patient", "Patient.extension('http://example.org/x').value")]
    [InlineData("Patient", "Patient.deceased.exists() and Patient.deceased != false")]
    [InlineData("Patient", "Patient.name.first()")]
    [InlineData("Observation", "Patient.name")]
    public void Anything_else_stays_with_FHIRPath(string type, string expression) => Assert.Null(ElementPath.TryCompile(type, expression));

    public static TheoryData<DataType> ObservationValues() =>
    [
        new FhirDateTime("2025-03-01T10:00:00+08:00"), new Period { Start = "2025-03-01", End = "2025-03-07" }, new FhirString("text"),
        new Quantity(4.5m, "mg/dL"), new CodeableConcept("http://snomed.info/sct", "260385009", "Negative", "neg"), new FhirBoolean(true),
        new Integer(3), new Time("10:00:00"),
    ];

    [Theory]
    [MemberData(nameof(ObservationValues))]
    public void Each_kind_of_value_is_indexed_as_FHIRPath_indexes_it(DataType value)
    {
        var observation = new Observation
        {
            Status = ObservationStatus.Final, Code = new CodeableConcept("http://loinc.org", "2160-0"), Value = value,
            Component = { new Observation.ComponentComponent { Code = new CodeableConcept("http://loinc.org", "x"), Value = value } },
        };
        var fast = Rows(Fast.Extract(observation));
        var reference = Rows(Reference.Extract(observation));
        Assert.Subset(fast, reference);
        // Firely's FHIRPath reads `value.as(DateTime)` (code-value-date) as the System type, which no FHIR dateTime is;
        // the parameter means the FHIR one, and element paths index it.
        Assert.All(fast.Except(reference), row => Assert.StartsWith("DateIndex { Param = code-value-date$1", row));
        Assert.Equal(value is FhirDateTime, fast.Count > reference.Count);
    }

    [Fact]
    public void A_type_filter_keeps_each_matching_item_of_a_repeating_element()
    {
        var pressure = new Observation
        {
            Code = new CodeableConcept("http://loinc.org", "85354-9"),
            Component =
            {
                new Observation.ComponentComponent { Code = new CodeableConcept("http://loinc.org", "8480-6"), Value = new Quantity(120, "mm[Hg]") },
                new Observation.ComponentComponent { Code = new CodeableConcept("http://loinc.org", "8462-4"), Value = new Quantity(80, "mm[Hg]") },
                new Observation.ComponentComponent { Code = new CodeableConcept("http://loinc.org", "8867-4"), Value = new FhirString("n/a") },
            },
        };
        var values = Fast.Extract(pressure).OfType<QuantityIndex>().Where(q => q.Param == "component-value-quantity").Select(q => q.Value);
        Assert.Equal([120m, 80m], values);
    }

    /// <summary>Rows as comparable text: plain rows as they are, each composite value as the set of its components.</summary>
    private static SortedSet<string> Rows(IReadOnlyList<IndexEntry> entries)
    {
        var rows = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries.Where(e => e.Group == 0)) rows.Add(entry.ToString());
        foreach (var group in entries.Where(e => e.Group != 0).GroupBy(e => e.Group))
            rows.Add(string.Join(" + ", group.Select(e => (e with { Group = 0 }).ToString()).Order(StringComparer.Ordinal)));
        return rows;
    }
}
