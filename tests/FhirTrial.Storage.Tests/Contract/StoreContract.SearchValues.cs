using Hl7.Fhir.Model;

namespace FhirTrial.Storage.Tests.Contract;

/// <summary>Search parity for numbers, quantities, tokens, strings, uris, references and composites:
/// each table's matches worked out by hand from the FHIR R4 search page.</summary>
public abstract partial class StoreContract
{
    private const string Ucum = "http://unitsofmeasure.org";

    // ---- number ----

    [Theory]
    // "100" means [99.5, 100.5): three significant figures.
    [InlineData("probability=100", "b,c,d")]
    [InlineData("probability=eq100", "b,c,d")]
    [InlineData("probability=100.0", "c")]
    [InlineData("probability=99.5", "b")]
    [InlineData("probability=ne100", "a,e,f,g,h")]
    // gt/lt/ge/le compare with exactly 100.
    [InlineData("probability=gt100", "d,e,f,h")]
    [InlineData("probability=lt100", "a,b,g")]
    [InlineData("probability=ge100", "c,d,e,f,h")]
    [InlineData("probability=le100", "a,b,c,g")]
    // sa/eb: no overlap with [99.5, 100.5), lying above / below it.
    [InlineData("probability=sa100", "e,f,h")]
    [InlineData("probability=eb100", "a,g")]
    // ap: within 10% of 100, [90, 110].
    [InlineData("probability=ap100", "a,b,c,d,e,h")]
    [InlineData("probability=100,80", "b,c,d,g")]
    [InlineData("probability:missing=true", "none")]
    public async Task Number_search_honours_the_precision_of_the_search_value_and_the_prefix(string query, string expected)
    {
        RiskAssessment Risk(string id, decimal? probability) => new()
        {
            Id = id, Status = ObservationStatus.Final, Subject = new ResourceReference("Patient/x"),
            Prediction = probability is null ? [] : [new RiskAssessment.PredictionComponent { Probability = new FhirDecimal(probability) }],
        };
        await PutAsync(NewPatient("x"));
        await PutAllAsync(Risk("a", 99.4m), Risk("b", 99.5m), Risk("c", 100m), Risk("d", 100.4m), Risk("h", 100.5m),
            Risk("e", 101m), Risk("f", 120m), Risk("g", 80m), Risk("none", null));

        await AssertMatchesAsync("RiskAssessment", query, expected);
    }

    // ---- quantity ----

    [Theory]
    [InlineData("value-quantity=5||mm", "q1,q2")]
    [InlineData("value-quantity=5|http://unitsofmeasure.org|mm", "q1,q2")]
    [InlineData("value-quantity=0.5|http://unitsofmeasure.org|cm", "q1,q2")]
    [InlineData("value-quantity=0.005|http://unitsofmeasure.org|m", "q1,q2")]
    [InlineData("value-quantity=gt4|http://unitsofmeasure.org|cm", "q3,q5")]
    [InlineData("value-quantity=lt1|http://unitsofmeasure.org|cm", "q1,q2")]
    [InlineData("value-quantity=ap50|http://unitsofmeasure.org|mm", "q3,q5")]
    [InlineData("value-quantity=ne5|http://unitsofmeasure.org|mm", "q3,q5")]
    [InlineData("value-quantity=ge140|http://unitsofmeasure.org|mm[Hg]", "q4")]
    [InlineData("value-quantity=lt140||mm[Hg]", "")]
    [InlineData("value-quantity=5000||g", "q7")]
    [InlineData("value-quantity=5|http://example.org/units|mm", "")]
    // Without a unit only the number counts: [4.5, 5.5) in any unit.
    [InlineData("value-quantity=5", "q1,q5,q7")]
    public async Task Quantity_search_converts_UCUM_units_to_one_canonical_unit(string query, string expected)
    {
        Observation Valued(string id, decimal value, string code) { var o = NewObservation(id: id); o.Value = new Quantity(value, code, Ucum); return o; }
        await PutAllAsync(Valued("q1", 5m, "mm"), Valued("q2", 0.5m, "cm"), Valued("q3", 50m, "mm"), Valued("q4", 140m, "mm[Hg]"),
            Valued("q5", 4.9m, "cm"), Valued("q7", 5m, "kg"));

        await AssertMatchesAsync("Observation", query, expected);
    }

    // ---- token ----

    [Theory]
    [InlineData("code=8480-6", "t1,t2,t3")]
    [InlineData("code=http://loinc.org|8480-6", "t1")]
    [InlineData("code=|8480-6", "t3")]
    [InlineData("code=http://loinc.org|", "t1,t5")]
    [InlineData("code=8480-6,29463-7", "t1,t2,t3,t5")]
    [InlineData("code=8480", "")]
    [InlineData("code:not=http://loinc.org|8480-6", "t2,t3,t4,t5")]
    [InlineData("code:not=8480-6", "t4,t5")]
    // :text searches CodeableConcept.text and Coding.display like a string: starts with, ignoring case and accents.
    [InlineData("code:text=blood", "t4")]
    [InlineData("code:text=BLOOD%20PRESSURE", "t4")]
    [InlineData("code:text=systolic", "t1")]
    [InlineData("code:text=sbp", "t1")]
    [InlineData("code:text=body", "t5")]
    [InlineData("code:missing=true", "")]
    public async Task Token_search_with_and_without_system(string query, string expected)
    {
        Observation Coded(string id, CodeableConcept code) { var o = NewObservation(id: id); o.Code = code; return o; }
        await PutAllAsync(
            Coded("t1", new CodeableConcept("http://loinc.org", "8480-6", "Systolic blood pressure", "SBP")),
            Coded("t2", new CodeableConcept("http://snomed.info/sct", "8480-6", "Other")),
            Coded("t3", new CodeableConcept { Coding = [new Coding { Code = "8480-6" }] }),
            Coded("t4", new CodeableConcept { Text = "Blood pressure panel" }),
            Coded("t5", new CodeableConcept("http://loinc.org", "29463-7", "Body weight")));

        await AssertMatchesAsync("Observation", query, expected);
    }

    [Theory]
    [InlineData("gender=female", "pa")]
    [InlineData("gender:not=female", "pb,pc")]
    [InlineData("gender:missing=true", "pc")]
    [InlineData("active=true", "pa")]
    [InlineData("active=false", "pb")]
    [InlineData("identifier=A1", "pa,pb")]
    [InlineData("identifier=urn:trial:mrn|A1", "pa")]
    [InlineData("identifier:text=medical", "pa")]
    [InlineData("telecom=phone|555-0100", "pa")]
    [InlineData("phone=555-0100", "pa")]
    [InlineData("email=555-0100", "")]
    [InlineData("_id=pa,pc", "pa,pc")]
    // _id is searched on the resource row (no index rows): the token forms still mean what they mean.
    [InlineData("_id:not=pa", "pb,pc")]
    [InlineData("_id=|pb", "pb")]
    [InlineData("_id=urn:trial:mrn|pa", "")]
    [InlineData("_id:missing=false", "pa,pb,pc")]
    [InlineData("_id:missing=true", "")]
    [InlineData("_id=pa,pb&gender=male", "pb")]
    public async Task Token_search_over_codes_booleans_identifiers_and_contact_points(string query, string expected)
    {
        await PutAllAsync(
            new Patient
            {
                Id = "pa", Gender = AdministrativeGender.Female, Active = true,
                Identifier = [new Identifier("urn:trial:mrn", "A1") { Type = new CodeableConcept { Text = "Medical record number" } }],
                Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Phone, null, "555-0100")],
            },
            new Patient { Id = "pb", Gender = AdministrativeGender.Male, Active = false, Identifier = [new Identifier("http://other.org/ids", "A1")] },
            new Patient { Id = "pc" });

        await AssertMatchesAsync("Patient", query, expected);
    }

    // ---- string ----

    [Theory]
    [InlineData("family=muller", "s1,s2,s3,s5")]
    [InlineData("family=MÜL", "s1,s2,s3,s5")]
    [InlineData("family=mullerton", "s3")]
    [InlineData("family=ller", "")]
    [InlineData("family=muller,smith", "s1,s2,s3,s4,s5")]
    [InlineData("family:exact=Müller", "s1")]
    [InlineData("family:exact=MÜLLER", "s5")]
    [InlineData("family:exact=muller", "")]
    [InlineData("family:exact=Mull", "")]
    [InlineData("family:contains=ller", "s1,s2,s3,s4,s5")]
    [InlineData("family:contains=TH-M", "s4")]
    [InlineData("name=jur", "s2")]
    [InlineData("given=ANNA", "s1")]
    [InlineData("name=smith", "s4")]
    [InlineData("address=sao", "s1")]
    [InlineData("address-city=SÃO%20PAULO", "s1")]
    [InlineData("family:missing=true", "none")]
    public async Task String_search_is_a_case_and_accent_insensitive_prefix_unless_exact_or_contains(string query, string expected)
    {
        Patient Named(string id, string family, string? given = null) => new()
        {
            Id = id, Name = [new HumanName { Family = family, Given = given is null ? [] : [given] }],
        };
        var s1 = Named("s1", "Müller", "Anna");
        s1.Address = [new Address { City = "São Paulo", Country = "BR" }];
        await PutAllAsync(s1, Named("s2", "Muller", "Jürgen"), Named("s3", "Mullerton"), Named("s4", "Smith-Müller"), Named("s5", "MÜLLER"),
            new Patient { Id = "none" });

        await AssertMatchesAsync("Patient", query, expected);
    }

    // ---- uri ----

    [Theory]
    [InlineData("url=http://acme.org/fhir/ValueSet/123", "u1")]
    [InlineData("url=http://acme.org/fhir/valueset/123", "")]
    [InlineData("url=http://acme.org/fhir/ValueSet/12", "")]
    [InlineData("url=urn:oid:1.2.3", "u5")]
    [InlineData("url:below=http://acme.org/fhir/", "u1,u2,u3")]
    [InlineData("url:below=http://acme.org/fhir/ValueSet/", "u1,u2")]
    [InlineData("url:below=http://acme.org/a_", "u6")]
    [InlineData("url:above=http://acme.org/fhir/ValueSet/123/_history/5", "u1,u3")]
    [InlineData("url:above=http://acme.org/axb/c", "")]
    public async Task Uri_search_is_exact_or_by_prefix_with_below_and_above(string query, string expected)
    {
        ValueSet Set(string id, string url) => new() { Id = id, Url = url, Status = PublicationStatus.Active };
        await PutAllAsync(Set("u1", "http://acme.org/fhir/ValueSet/123"), Set("u2", "http://acme.org/fhir/ValueSet/1234"),
            Set("u3", "http://acme.org/fhir/"), Set("u4", "http://other.org/fhir/ValueSet/123"), Set("u5", "urn:oid:1.2.3"),
            Set("u6", "http://acme.org/a_b"));

        await AssertMatchesAsync("ValueSet", query, expected);
    }

    // ---- reference ----

    [Theory]
    [InlineData("subject=p1", "o1,o3")]
    [InlineData("subject=Patient/p1", "o1")]
    [InlineData("subject:Patient=p1", "o1")]
    [InlineData("subject:Group=p1", "o3")]
    [InlineData("patient=p1", "o1")]
    [InlineData("subject=Patient/p2", "o2,o7")]
    [InlineData("subject=Patient/p1,Patient/p2", "o1,o2,o7")]
    // An absolute URL on this server is a local reference; one elsewhere is only itself.
    [InlineData("subject=http://test/fhir/Patient/p1", "o1")]
    [InlineData("subject=http://elsewhere.org/fhir/Patient/p1", "o4")]
    [InlineData("subject:identifier=urn:trial:mrn|42", "o5")]
    [InlineData("subject:identifier=42", "o5")]
    [InlineData("subject:missing=true", "o6")]
    [InlineData("subject:missing=false", "o1,o2,o3,o4,o5,o7,o8")]
    [InlineData("subject:identifier=urn:trial:mrn|43", "o8")]
    // patient is subject.where(resolve() is Patient): answered from the subject rows of a Patient or of no type.
    [InlineData("patient=Patient/p1,Patient/p2", "o1,o2,o7")]
    [InlineData("patient=http://elsewhere.org/fhir/Patient/p1", "o4")]
    [InlineData("patient:identifier=urn:trial:mrn|42", "o5")]
    [InlineData("patient:missing=true", "o3,o6,o8")]
    [InlineData("patient:identifier=urn:trial:mrn|43", "")] // its reference is a Group's
    [InlineData("patient:missing=false", "o1,o2,o4,o5,o7")]
    [InlineData("patient:missing=false&subject:Group=p1", "")]
    public async Task Reference_search_by_id_type_url_and_identifier(string query, string expected)
    {
        Observation About(string id, ResourceReference? subject) { var o = NewObservation(id: id); o.Subject = subject; return o; }
        await PutAllAsync(NewPatient("p1"), NewPatient("p2"), new Group { Id = "p1", Type = Group.GroupType.Person, Actual = true }, new Group { Id = "g1", Type = Group.GroupType.Person, Actual = true });
        await PutAllAsync(
            About("o1", new ResourceReference("Patient/p1")),
            About("o2", new ResourceReference("Patient/p2")),
            About("o3", new ResourceReference("Group/p1")),
            About("o4", new ResourceReference("http://elsewhere.org/fhir/Patient/p1")),
            About("o5", new ResourceReference { Identifier = new Identifier("urn:trial:mrn", "42") }),
            About("o6", null),
            About("o7", new ResourceReference($"{BaseUrl}/Patient/p2")),
            About("o8", new ResourceReference("Group/g1") { Identifier = new Identifier("urn:trial:mrn", "43") }));

        await AssertMatchesAsync("Observation", query, expected);
    }

    // ---- composite ----

    [Theory]
    [InlineData("code-value-quantity=http://loinc.org|8480-6$gt140", "c1")]
    [InlineData("code-value-quantity=http://loinc.org|8480-6$gt140|http://unitsofmeasure.org|mm[Hg]", "c1")]
    [InlineData("code-value-quantity=http://loinc.org|8462-4$gt140", "c3")]
    [InlineData("code-value-quantity=8480-6$lt140", "c2")]
    [InlineData("code-value-quantity=8480-6$lt140,8462-4$150", "c2,c3")]
    // Components pair within one component element: 8462-4 is 90 in the panel, never 145.
    [InlineData("component-code-value-quantity=http://loinc.org|8480-6$gt140", "c4")]
    [InlineData("component-code-value-quantity=http://loinc.org|8462-4$gt140", "")]
    [InlineData("component-code-value-quantity=http://loinc.org|8462-4$90", "c4")]
    [InlineData("combo-code-value-quantity=http://loinc.org|8480-6$gt140", "c1,c4")]
    // Parameters answered from other parameters' rows (DerivedParameters): the same answers as stored rows would give.
    [InlineData("combo-code-value-quantity=http://loinc.org|8462-4$90", "c4")]
    [InlineData("combo-code-value-quantity=http://loinc.org|85354-9$gt0", "")]
    [InlineData("combo-code=http://loinc.org|8462-4", "c3,c4")]
    [InlineData("combo-code=85354-9", "c4")]
    [InlineData("combo-value-quantity=gt146", "c1,c3")]
    [InlineData("combo-value-quantity=90", "c4")]
    [InlineData("code-value-quantity=8480-6$gt140&combo-code=8480-6", "c1")]
    // Several value criteria and no anchor are answered as one INTERSECT of index lookups.
    [InlineData("code=8480-6,8462-4&value-quantity=gt146", "c1,c3")]
    [InlineData("code=8480-6&value-quantity=lt140|http://unitsofmeasure.org|mm[Hg]", "c2")]
    [InlineData("combo-code=8480-6&combo-value-quantity=145&status=final", "c4")]
    [InlineData("code-value-quantity:missing=true", "c4")]
    [InlineData("code-value-quantity:missing=false", "c1,c2,c3")]
    [InlineData("combo-code-value-quantity:missing=true", "")]
    [InlineData("component-code-value-quantity:missing=false", "c4")]
    [InlineData("code:not=8480-6&value-quantity=gt146", "c3")]
    public async Task Composite_search_matches_both_values_in_the_same_element(string query, string expected)
    {
        static Quantity MmHg(decimal value) => new(value, "mm[Hg]", Ucum);
        Observation Measured(string id, string code, decimal value) { var o = NewObservation(id: id, code: code); o.Value = MmHg(value); return o; }
        var panel = NewObservation(id: "c4", code: "85354-9");
        panel.Component =
        [
            new Observation.ComponentComponent { Code = new CodeableConcept("http://loinc.org", "8480-6"), Value = MmHg(145) },
            new Observation.ComponentComponent { Code = new CodeableConcept("http://loinc.org", "8462-4"), Value = MmHg(90) },
        ];
        await PutAllAsync(Measured("c1", "8480-6", 150), Measured("c2", "8480-6", 120), Measured("c3", "8462-4", 150), panel);

        await AssertMatchesAsync("Observation", query, expected);
    }
}
