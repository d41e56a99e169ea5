using FhirTrial.Fhir.Indexing;
using FhirTrial.Fhir.Serialization;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Tests.Indexing;

/// <summary>Each derived parameter's own rows are exactly what its sources' rows answer, so not writing them loses nothing.</summary>
public class DerivedParametersTests
{
    private static readonly SearchParameterRegistry Registry = EngineRegistry.Instance;
    private static readonly IndexExtractor Complete = new(Registry, derivedRows: true);
    private static readonly IndexExtractor Stored = new(Registry);

    private static readonly string[] Derived =
    [
        "code-value-quantity", "code-value-concept", "code-value-date", "combo-code", "combo-data-absent-reason", "combo-value-concept",
        "combo-value-quantity", "combo-code-value-quantity", "combo-code-value-concept",
    ];

    public static IEnumerable<object[]> Observations()
    {
        var files = ElementPathTests.DataFiles().Cast<object[]>().Select(row => (string)row[0]);
        var fromData = files
            .Select(f => FhirSerializer.ParseJson(File.ReadAllText(Path.Combine(ElementPathTests.RepositoryRoot, f))))
            .SelectMany(r => r is Bundle b ? b.Entry.Select(e => e.Resource) : [r])
            .OfType<Observation>();
        var made = ElementPathTests.ObservationValues().Cast<object[]>().Select(row => (DataType)row[0]).Select(value => new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept { Coding = { new Coding("http://loinc.org", "2160-0"), new Coding("http://example.org", "cr") }, Text = "Creatinine" },
            Value = value,
            DataAbsentReason = value is FhirBoolean ? new CodeableConcept("http://terminology.hl7.org/CodeSystem/data-absent-reason", "unknown") : null,
            Component =
            {
                new Observation.ComponentComponent { Code = new CodeableConcept("http://loinc.org", "8480-6"), Value = value },
                new Observation.ComponentComponent { Code = new CodeableConcept("http://loinc.org", "8462-4"), Value = new Quantity(80, "mm[Hg]") },
            },
        });
        return fromData.Concat(made).Select((o, n) => new object[] { n, FhirSerializer.ToJson(o) });
    }

    [Theory]
    [MemberData(nameof(Observations))]
    public void Derived_rows_equal_what_their_sources_answer(int index, string json)
    {
        _ = index;
        var observation = FhirSerializer.ParseJson(json);
        var rows = Complete.Extract(observation);
        foreach (var name in Derived)
        {
            var isComposite = Registry.Find("Observation", name)!.IsComposite;
            if (isComposite)
                Assert.Equal(Pairs(rows, [$"{name}$0"], [$"{name}$1"]),
                    Pairs(rows, DerivedParameters.StoredNames("Observation", $"{name}$0"), DerivedParameters.StoredNames("Observation", $"{name}$1")));
            else
                Assert.Equal(Values(rows, [name]), Values(rows, DerivedParameters.StoredNames("Observation", name)));
        }
    }

    [Theory]
    [MemberData(nameof(Observations))]
    public void Stores_are_not_given_derived_rows(int index, string json)
    {
        _ = index;
        var stored = Stored.Extract(FhirSerializer.ParseJson(json)).Select(e => e.Param.Split('$')[0]).ToHashSet();
        Assert.Empty(stored.Intersect(Derived));
    }

    [Theory]
    [MemberData(nameof(ElementPathTests.DataFiles), MemberType = typeof(ElementPathTests))]
    public void Narrowed_references_are_their_sources_rows_of_that_target_or_untyped(string file)
    {
        var parsed = FhirSerializer.ParseJson(File.ReadAllText(Path.Combine(ElementPathTests.RepositoryRoot, file)));
        foreach (var resource in parsed is Bundle b ? b.Entry.Select(e => e.Resource).OfType<Resource>() : [parsed])
        {
            var rows = Complete.Extract(resource);
            var stored = Stored.Extract(resource);
            foreach (var (_, narrowing) in DerivedParameters.NarrowedOn("patient").Where(n => n.Type == resource.TypeName))
                Assert.Equal(Values(rows, ["patient"]), Answered(rows, stored, narrowing));
        }
    }

    [Fact]
    public void A_typed_reference_of_another_type_gives_patient_no_identifier()
    {
        var observation = new Observation
        {
            Status = ObservationStatus.Final, Code = new CodeableConcept("http://loinc.org", "718-7"),
            Subject = new ResourceReference("Group/g1") { Identifier = new Identifier("urn:trial:mrn", "43") },
        };
        var rows = Complete.Extract(observation);
        var stored = Stored.Extract(observation);

        Assert.Empty(Values(rows, ["patient"]));
        Assert.Contains(stored, r => r is ReferenceIndex { Param: "subject", IdentifierValue: "43" });
        Assert.Empty(Answered(rows, stored, DerivedParameters.NarrowedFrom("Observation", "patient")!));
    }

    /// <summary>What the compiler reads for a narrowed patient: the source's rows that point at a Patient or an untyped
    /// target, and the identifier rows stored under patient itself.</summary>
    private static SortedSet<string> Answered(IReadOnlyList<IndexEntry> complete, IReadOnlyList<IndexEntry> stored, DerivedParameters.Narrowing narrowing)
    {
        Assert.All(stored.Where(r => r.Param == "patient"), r => Assert.True(DerivedParameters.IsIdentifierRow(r)));
        return new SortedSet<string>(complete.OfType<ReferenceIndex>()
            .Where(r => r.Param == narrowing.Source && !DerivedParameters.IsIdentifierRow(r) && (r.TargetType is null || r.TargetType == narrowing.TargetType))
            .Concat(stored.OfType<ReferenceIndex>().Where(r => r.Param == "patient")).Select(Value), StringComparer.Ordinal);
    }

    [Fact]
    public void Patient_is_subject_narrowed_where_the_spec_says_so()
    {
        Assert.Equal(new DerivedParameters.Narrowing("subject", "Patient"), DerivedParameters.NarrowedFrom("Observation", "patient"));
        Assert.Equal(new DerivedParameters.Narrowing("subject", "Patient"), DerivedParameters.NarrowedFrom("MedicationAdministration", "patient"));
        Assert.Equal(new DerivedParameters.Narrowing("target", "Patient"), DerivedParameters.NarrowedFrom("Provenance", "patient"));
        Assert.Null(DerivedParameters.NarrowedFrom("AllergyIntolerance", "patient")); // AllergyIntolerance.patient is its own element
        Assert.Null(DerivedParameters.NarrowedFrom("AuditEvent", "patient")); // a union of two paths
        Assert.Null(DerivedParameters.NarrowedFrom("Observation", "subject"));
        Assert.True(DerivedParameters.NarrowedOn("patient").Count > 20);
        Assert.Null(DerivedParameters.NarrowedFrom("Encounter", "practitioner")); // only patient is narrowed
    }

    [Fact]
    public void Id_and_lastUpdated_are_left_to_the_resource_row()
    {
        var patient = new Patient { Id = "p1", Meta = new Meta { LastUpdated = DateTimeOffset.UtcNow, VersionId = "1" }, Gender = AdministrativeGender.Female };
        Assert.Contains(Complete.Extract(patient), e => e.Param == "_id");
        Assert.DoesNotContain(Stored.Extract(patient), e => e.Param is "_id" or "_lastUpdated");
        Assert.Contains(Stored.Extract(patient), e => e.Param == "gender");
    }

    [Fact]
    public void Other_types_and_other_parameters_are_stored_as_they_are()
    {
        Assert.Equal(["combo-code"], DerivedParameters.StoredNames("Condition", "combo-code"));
        Assert.Equal(["code"], DerivedParameters.StoredNames("Observation", "code"));
        Assert.Equal(["code-value-string$1"], DerivedParameters.StoredNames("Observation", "code-value-string$1"));
        Assert.Equal(["value-quantity", "component-code-value-quantity$1"], DerivedParameters.StoredNames(null, "combo-code-value-quantity$1"));
    }

    private static SortedSet<string> Values(IReadOnlyList<IndexEntry> rows, IReadOnlyList<string> names)
        => new(rows.Where(r => names.Contains(r.Param)).Select(Value), StringComparer.Ordinal);

    /// <summary>Every (component 0, component 1) pair found in one group.</summary>
    private static SortedSet<string> Pairs(IReadOnlyList<IndexEntry> rows, IReadOnlyList<string> first, IReadOnlyList<string> second)
    {
        var pairs = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var a in rows.Where(r => first.Contains(r.Param)))
            foreach (var b in rows.Where(r => second.Contains(r.Param) && r.Group == a.Group))
                pairs.Add(Value(a) + " + " + Value(b));
        return pairs;
    }

    private static string Value(IndexEntry row) => (row with { Param = "", Group = 0 }).ToString();
}
