using System.Net;
using Hl7.Fhir.Model;

namespace FhirTrial.Storage.Tests.Contract;

/// <summary>Chaining, <c>_has</c>, includes, sorting, paging, totals, summaries, elements, the common parameters and handling.</summary>
public abstract partial class StoreContract
{
    /// <summary>Two patients at two organizations, their observations, and a report over one of them.</summary>
    private async Task SeedCareAsync()
    {
        await PutAllAsync(
            new Organization { Id = "org1", Name = "Renji Hospital" },
            new Organization { Id = "org2", Name = "Zhongshan Hospital" },
            new Patient
            {
                Id = "p1", Name = [new HumanName { Family = "Alpha" }], Gender = AdministrativeGender.Female,
                Identifier = [new Identifier("urn:trial:mrn", "A1")], ManagingOrganization = new ResourceReference("Organization/org1"),
            },
            new Patient
            {
                Id = "p2", Name = [new HumanName { Family = "Beta" }], Gender = AdministrativeGender.Male,
                Identifier = [new Identifier("urn:trial:mrn", "B2")], ManagingOrganization = new ResourceReference("Organization/org2"),
            },
            NewObservation(id: "o1", subject: "Patient/p1", code: "8480-6"),
            NewObservation(id: "o2", subject: "Patient/p2", code: "8480-6"),
            NewObservation(id: "o3", subject: "Patient/p2", code: "29463-7"),
            new DiagnosticReport
            {
                Id = "dr1", Status = DiagnosticReport.DiagnosticReportStatus.Final, Code = new CodeableConcept("http://loinc.org", "24323-8"),
                Subject = new ResourceReference("Patient/p1"), Result = [new ResourceReference("Observation/o1")],
            });
    }

    [Theory]
    [InlineData("Observation", "subject:Patient.name=alpha", "o1")]
    [InlineData("Observation", "subject.identifier=urn:trial:mrn|B2", "o2,o3")]
    [InlineData("Observation", "patient.family=BETA", "o2,o3")]
    [InlineData("Observation", "patient.gender=female&code=8480-6", "o1")]
    [InlineData("Observation", "subject:Patient.organization.name=renji", "o1")]
    [InlineData("Observation", "patient.organization=Organization/org2", "o2,o3")]
    [InlineData("DiagnosticReport", "result.code=8480-6", "dr1")]
    [InlineData("DiagnosticReport", "result.code=29463-7", "")]
    [InlineData("Patient", "_has:Observation:patient:code=29463-7", "p2")]
    [InlineData("Patient", "_has:Observation:patient:code=8480-6", "p1,p2")]
    [InlineData("Patient", "_has:Observation:subject:_id=o1", "p1")]
    [InlineData("Organization", "_has:Patient:organization:gender=male", "org2")]
    [InlineData("Patient", "_has:DiagnosticReport:subject:code=24323-8", "p1")]
    // A chain to several types whose parameter is a uri on the first of them: no reference-only columns in its SQL.
    [InlineData("DiagnosticReport", "result.patient.family=beta", "")]
    [InlineData("Procedure", "reason-reference.location=http://example.org/x", "")]
    [InlineData("Procedure", "reason-reference.location:missing=true", "")]
    public async Task Chains_and_reverse_chains_search_through_references(string type, string query, string expected)
    {
        await SeedCareAsync();
        await AssertMatchesAsync(type, query, expected);
    }

    [Fact]
    public async Task A_chain_does_not_reach_a_deleted_target()
    {
        await SeedCareAsync();
        // Only with referential integrity off (a migration) can a referenced resource be deleted; the store must still
        // not reach it.
        await WithoutReferentialIntegrity().DeleteAsync("Patient", "p2", None);

        await AssertMatchesAsync("Observation", "patient.family=beta", "");
        await AssertMatchesAsync("Organization", "_has:Patient:organization:gender=male", "");
    }

    [Fact]
    public async Task Include_adds_the_referenced_resources_once_as_include_entries()
    {
        await SeedCareAsync();

        var bundle = await SearchAsync("Observation", "code=8480-6,29463-7&_include=Observation:patient");

        Assert.Equal(Ids("o1,o2,o3"), Matches(bundle).Order().ToList());
        Assert.Equal(["Patient/p1", "Patient/p2"], Included(bundle).Order());
        Assert.Equal(3, bundle.Total);
    }

    [Fact]
    public async Task Include_with_a_target_type_and_iterate_follows_further_references()
    {
        await SeedCareAsync();

        var once = await SearchAsync("DiagnosticReport", "_id=dr1&_include=DiagnosticReport:result&_include=Observation:patient");
        var iterated = await SearchAsync("DiagnosticReport", "_id=dr1&_include=DiagnosticReport:result&_include:iterate=Observation:patient&_include:iterate=Patient:organization");
        var typed = await SearchAsync("DiagnosticReport", "_id=dr1&_include=DiagnosticReport:subject:Group");

        Assert.Equal(["Observation/o1"], Included(once));
        Assert.Equal(["Observation/o1", "Organization/org1", "Patient/p1"], Included(iterated).Order());
        Assert.Empty(Included(typed));
    }

    [Fact]
    public async Task Revinclude_adds_the_resources_that_point_here_and_iterates_on_request()
    {
        await SeedCareAsync();

        var once = await SearchAsync("Patient", "_id=p1&_revinclude=Observation:patient");
        var iterated = await SearchAsync("Patient", "_id=p1&_revinclude=Observation:patient&_revinclude:iterate=DiagnosticReport:result");
        var mixed = await SearchAsync("Organization", "_id=org2&_revinclude=Patient:organization&_revinclude:iterate=Observation:subject");

        Assert.Equal(["p1"], Matches(once));
        Assert.Equal(["Observation/o1"], Included(once));
        Assert.Equal(["DiagnosticReport/dr1", "Observation/o1"], Included(iterated).Order());
        Assert.Equal(["Observation/o2", "Observation/o3", "Patient/p2"], Included(mixed).Order());
    }

    [Fact]
    public async Task Includes_with_an_unknown_parameter_are_400()
    {
        await FailsWith(HttpStatusCode.BadRequest, () => SearchAsync("Observation", "_include=Observation:nonsense"));
        await FailsWith(HttpStatusCode.BadRequest, () => SearchAsync("Observation", "_include=Observation:code"));
    }

    private async Task SeedSortableAsync() => await PutAllAsync(
        NewPatient("a", family: "Adams", birthDate: "1980-05-05"),
        NewPatient("b", family: "Baker", birthDate: "1970-01-01"),
        NewPatient("c", family: "adams", birthDate: "1990-09-09"),
        NewPatient("d", birthDate: "1975-03-03"));

    [Theory]
    [InlineData("_sort=birthdate", "b,d,a,c")]
    [InlineData("_sort=-birthdate", "c,a,d,b")]
    [InlineData("_sort=family,-birthdate", "c,a,b,d")]
    [InlineData("_sort=family,birthdate", "a,c,b,d")]
    [InlineData("_sort=-family,birthdate", "b,a,c,d")]
    [InlineData("_sort=-_id", "d,c,b,a")]
    [InlineData("_sort=_id", "a,b,c,d")]
    public async Task Sort_orders_by_several_keys_ascending_or_descending_with_missing_values_last(string query, string expected)
    {
        await SeedSortableAsync();

        Assert.Equal(expected.Split(','), await MatchIdsAsync("Patient", query));
    }

    [Fact]
    public async Task Sort_by_an_unknown_parameter_is_400()
    {
        await FailsWith(HttpStatusCode.BadRequest, () => SearchAsync("Patient", "_sort=shoe-size"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("&_sort=birthdate")]
    [InlineData("&_sort=-birthdate,family")]
    public async Task Paging_with_count_walks_every_match_exactly_once_forwards_and_backwards(string sort)
    {
        // Seven birth dates over 23 patients: most sort keys tie, so only a stable tie-break keeps pages apart.
        for (int i = 0; i < 23; i++) await CreateAsync(NewPatient(family: i % 2 == 0 ? "Even" : "Odd", birthDate: $"19{50 + i % 7}-01-01"));
        await CreateAsync(NewObservation());

        var forward = new List<string>();
        var page = await SearchAsync("Patient", $"family=even,odd{sort}&_count=5");
        var pages = new List<Bundle> { page };
        while (Link(page, "next") is { } next)
        {
            Assert.True(pages.Count < 10, "paging never ends");
            forward.AddRange(Matches(page));
            page = await FollowAsync(next);
            pages.Add(page);
        }
        forward.AddRange(Matches(page));

        var backward = new List<string>();
        while (true)
        {
            backward.InsertRange(0, Matches(page));
            if (Link(page, "previous") is not { } previous) break;
            page = await FollowAsync(previous);
        }

        Assert.Equal([5, 5, 5, 5, 3], pages.Select(p => Matches(p).Count));
        Assert.All(pages, p => Assert.Equal(23, p.Total));
        Assert.Equal(23, forward.Distinct().Count());
        Assert.Equal(forward, backward);
        Assert.Equal(await MatchIdsAsync("Patient", $"family=even,odd{sort}&_count=100"), forward);
        Assert.Equal(Link(pages[0], "last"), Link(pages[^1], "self"));
    }

    private static string? Link(Bundle bundle, string relation) => bundle.Link.FirstOrDefault(l => l.Relation == relation)?.Url;

    private async Task<Bundle> FollowAsync(string url)
    {
        Assert.StartsWith($"{BaseUrl}/Patient?", url);
        return await SearchAsync("Patient", url[(url.IndexOf('?') + 1)..]);
    }

    [Fact]
    public async Task A_total_counted_from_the_index_leaves_out_deleted_replaced_and_other_types_rows()
    {
        Observation Measured(string id, decimal value)
        {
            var o = NewObservation(id: id, code: "8480-6");
            o.Value = new Quantity(value, "mm[Hg]", "http://unitsofmeasure.org");
            return o;
        }
        await PutAllAsync(Measured("t1", 150), Measured("t2", 160), Measured("t3", 170), Measured("t4", 180));
        await PutAsync(Measured("t1", 151)); // a second version, still matching
        await PutAsync(Measured("t3", 100)); // no longer matching
        await Resources.DeleteAsync("Observation", "t4", None);
        // Another type with rows under "code": only value-quantity, which is Observation's alone, lets the count skip types.
        await PutAsync(NewPatient("x"));
        await PutAsync(new Condition { Id = "t5", Subject = new ResourceReference("Patient/x"), Code = new CodeableConcept("http://loinc.org", "8480-6") });

        var page = await SearchAsync("Observation", "code=http://loinc.org|8480-6&value-quantity=gt140&_count=1");
        var second = await SearchAsync("Observation", "code=http://loinc.org|8480-6&value-quantity=gt140&_count=1&_offset=1");
        var beyond = await SearchAsync("Observation", "code=http://loinc.org|8480-6&value-quantity=gt140&_count=5&_offset=2");

        Assert.Equal((2, 2, 2), (page.Total, second.Total, beyond.Total));
        Assert.Equal(["t1"], Matches(page)); // key order: t1 was created first and updated in place
        Assert.Equal(["t2"], Matches(second));
        Assert.Empty(Matches(beyond));
        Assert.Equal(151m, Assert.IsType<Quantity>(((Observation)page.Entry.Single(e => e.Search?.Mode == Bundle.SearchEntryMode.Match).Resource!).Value).Value); // the current version
        Assert.Equal(2, await CountAsync("Observation", "code=http://loinc.org|8480-6&value-quantity=gt140"));
        Assert.Equal(3, await CountAsync("Observation", "code=http://loinc.org|8480-6&status=final")); // counted through the resource rows
    }

    [Fact]
    public async Task A_one_sided_range_checked_per_key_of_a_code_gives_each_match_once()
    {
        Observation On(string id, string date, params string[] codes)
        {
            var o = NewObservation(id: id);
            o.Code = new CodeableConcept { Coding = codes.Select(c => new Coding("http://loinc.org", c)).ToList() };
            o.Effective = new FhirDateTime(date);
            return o;
        }
        await PutAllAsync(
            On("d1", "2025-03-02T10:00:00Z", "718-7", "718-7"), // the code twice: still one match
            On("d2", "2025-03-14", "718-7", "59260-0"),
            On("d3", "2025-02-28", "718-7"),
            On("d4", "2025-03-15", "718-7"),
            On("d5", "2025-03-05", "8480-6"));
        await PutAsync(NewPatient("x"));
        // another type with rows under both "code" and "date": the keys read from the index are kept to Observations
        await PutAsync(new Procedure
        {
            Id = "x1", Status = EventStatus.Completed, Subject = new ResourceReference("Patient/x"),
            Code = new CodeableConcept("http://loinc.org", "718-7"), Performed = new FhirDateTime("2025-03-05"),
        });

        const string window = "date=ge2025-03-01&date=lt2025-03-15";
        var page = await SearchAsync("Observation", $"code=http://loinc.org|718-7&{window}");
        Assert.Equal(2, page.Total);
        Assert.Equal(["d1", "d2"], Matches(page));
        Assert.Equal(2, await CountAsync("Observation", $"code=718-7,59260-0&{window}"));
        Assert.Equal(["d2"], Matches(await SearchAsync("Observation", $"code=718-7&code=59260-0&{window}")));
        Assert.Equal(["d1", "d2", "d5"], Matches(await SearchAsync("Observation", window))); // no equality to start from
        Assert.Equal(3, await CountAsync("Observation", window));
        Assert.Equal(["x1"], Matches(await SearchAsync("Procedure", $"code=718-7&{window}")));
        Assert.Equal(["d3"], Matches(await SearchAsync("Observation", "code=718-7&date=lt2025-03-01")));
        Assert.Equal(["d4"], Matches(await SearchAsync("Observation", "code=718-7&date=sa2025-03-14")));
    }

    [Fact]
    public async Task Pages_and_totals_hold_when_the_matches_outnumber_the_keys_read()
    {
        var relational = Assert.IsAssignableFrom<FhirTrial.Storage.Relational.RelationalFhirStore>(Store);
        relational.KeysFirstLimit = 2;
        for (int n = 1; n <= 4; n++)
        {
            var o = NewObservation(id: $"k{n}", code: "8480-6");
            o.Value = new Quantity(140 + n, "mm[Hg]", "http://unitsofmeasure.org");
            await PutAsync(o);
        }
        const string matching = "code=http://loinc.org|8480-6&value-quantity=gt140";

        var first = await SearchAsync("Observation", matching + "&_count=1"); // within the keys read, total counted apart
        var last = await SearchAsync("Observation", matching + "&_count=2&_offset=2"); // beyond them: the general path
        var all = await SearchAsync("Observation", matching + "&_count=10&_total=none");

        Assert.Equal((4, 4), (first.Total, last.Total));
        Assert.Equal(["k1"], Matches(first));
        Assert.Equal(["k3", "k4"], Matches(last));
        Assert.Null(all.Total);
        Assert.Equal(["k1", "k2", "k3", "k4"], Matches(all));
    }

    [Fact]
    public async Task Total_is_the_count_of_all_matches_unless_none_is_asked()
    {
        for (int i = 0; i < 7; i++) await CreateAsync(NewPatient(family: "Counted"));

        var accurate = await SearchAsync("Patient", "family=counted&_count=2&_total=accurate");
        var none = await SearchAsync("Patient", "family=counted&_count=2&_total=none");

        Assert.Equal((7, 2), (accurate.Total, Matches(accurate).Count));
        Assert.Null(none.Total);
        Assert.Equal(2, Matches(none).Count);
        Assert.NotNull(Link(none, "next"));
    }

    [Fact]
    public async Task Summary_count_gives_the_total_and_no_entries()
    {
        await SeedCareAsync();

        var bundle = await SearchAsync("Observation", "code=8480-6&_summary=count&_include=Observation:patient");

        Assert.Equal(2, bundle.Total);
        Assert.DoesNotContain(bundle.Entry, e => e.Resource is not OperationOutcome);
    }

    [Fact]
    public async Task Summary_true_keeps_only_summary_elements_and_marks_the_resource_subsetted()
    {
        var patient = NewPatient("sum", family: "Summed", birthDate: "1960-01-01");
        patient.MaritalStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "M");
        await PutAsync(patient);

        var shaped = Assert.IsType<Patient>((await SearchAsync("Patient", "_id=sum&_summary=true")).Entry.Single().Resource);

        Assert.Equal("Summed", shaped.Name.Single().Family);
        Assert.Equal("1960-01-01", shaped.BirthDate);
        Assert.Null(shaped.MaritalStatus);
        Assert.Contains(shaped.Meta!.Tag, t => t.Code == "SUBSETTED");
        Assert.NotNull(Parse<Patient>(await Resources.ReadAsync("Patient", "sum", None)).MaritalStatus);
    }

    [Fact]
    public async Task Elements_keeps_only_the_named_elements()
    {
        await PutAsync(NewPatient("el", family: "Elemental", birthDate: "1960-01-01", mrn: "E1"));

        var shaped = Assert.IsType<Patient>((await SearchAsync("Patient", "_id=el&_elements=birthDate,identifier")).Entry.Single().Resource);

        Assert.Equal("el", shaped.Id);
        Assert.Equal("1960-01-01", shaped.BirthDate);
        Assert.Equal("E1", shaped.Identifier.Single().Value);
        Assert.Empty(shaped.Name);
        Assert.Contains(shaped.Meta!.Tag, t => t.Code == "SUBSETTED");
    }

    [Fact]
    public async Task LastUpdated_searches_by_when_each_version_was_written()
    {
        var first = await CreateAsync(NewPatient(family: "First"));
        await System.Threading.Tasks.Task.Delay(30);
        var second = await CreateAsync(NewPatient(family: "Second"));
        var at = first.LastUpdated.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");

        await AssertMatchesAsync("Patient", $"_lastUpdated=gt{at}", second.Id);
        await AssertMatchesAsync("Patient", $"_lastUpdated=le{at}", first.Id);
        await AssertMatchesAsync("Patient", $"_lastUpdated=ge{first.LastUpdated.UtcDateTime:yyyy-MM-dd}", $"{first.Id},{second.Id}");
        await AssertMatchesAsync("Patient", "_lastUpdated=lt2000-01-01", "");
        await AssertMatchesAsync("Patient", $"_lastUpdated=gt{at}&family=second", second.Id);
        await AssertMatchesAsync("Patient", $"_lastUpdated:missing=false", $"{first.Id},{second.Id}");
        Assert.Equal(new[] { second.Id, first.Id }, await MatchIdsAsync("Patient", "_sort=-_lastUpdated"));
        Assert.Equal(new[] { first.Id, second.Id }, await MatchIdsAsync("Patient", "_sort=_lastUpdated"));
    }

    [Theory]
    [InlineData("_tag=http://example.org/tags|trial-a", "m1")]
    [InlineData("_tag=trial-b", "m2")]
    [InlineData("_tag:not=http://example.org/tags|trial-a", "m2,m3")]
    [InlineData("_profile=http://fhirtrial.example.org/fhir/StructureDefinition/trial-patient", "m1")]
    [InlineData("_profile:below=http://fhirtrial.example.org/fhir/", "m1,m2")]
    [InlineData("_security=http://terminology.hl7.org/CodeSystem/v3-Confidentiality|R", "m2")]
    [InlineData("_security:missing=true", "m1,m3")]
    [InlineData("_id=m3", "m3")]
    public async Task Meta_parameters_search_tags_profiles_and_security_labels(string query, string expected)
    {
        Patient Labelled(string id, string? tag, string? profile, string? security)
        {
            var p = NewPatient(id);
            p.Meta = new Meta();
            if (tag is not null) p.Meta.Tag.Add(new Coding("http://example.org/tags", tag));
            if (profile is not null) p.Meta.ProfileElement.Add(new Canonical(profile));
            if (security is not null) p.Meta.Security.Add(new Coding("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", security));
            return p;
        }
        await PutAllAsync(
            Labelled("m1", "trial-a", "http://fhirtrial.example.org/fhir/StructureDefinition/trial-patient", null),
            Labelled("m2", "trial-b", "http://fhirtrial.example.org/fhir/StructureDefinition/other", "R"),
            Labelled("m3", null, null, null));

        await AssertMatchesAsync("Patient", query, expected);
    }

    [Fact]
    public async Task Tags_survive_updates_of_the_resource()
    {
        var tagged = NewPatient("kept");
        tagged.Meta = new Meta { Tag = [new Coding("http://example.org/tags", "keep")] };
        var stored = await PutAsync(tagged);

        await PutAsync(stored);

        await AssertMatchesAsync("Patient", "_tag=keep", "kept");
    }

    [Fact]
    public async Task A_system_search_spans_every_type()
    {
        await SeedCareAsync();

        var bundle = await SearchAsync(null, "_id=p1,o1,org1,dr1");

        Assert.Equal(["DiagnosticReport/dr1", "Observation/o1", "Organization/org1", "Patient/p1"],
            bundle.Entry.Select(e => $"{e.Resource!.TypeName}/{e.Resource.Id}").Order());
        Assert.Equal(8, (await SearchAsync(null, "_summary=count")).Total);
    }

    [Fact]
    public async Task Unknown_parameters_are_ignored_and_reported_when_lenient_and_400_when_strict()
    {
        await SeedCareAsync();

        var lenient = await SearchAsync("Patient", "shoe-size=42&gender=female");
        var error = await FailsWith(HttpStatusCode.BadRequest, () => SearchAsync("Patient", "shoe-size=42&gender=female", strict: true));

        Assert.Equal(["p1"], Matches(lenient));
        var outcome = Assert.IsType<OperationOutcome>(lenient.Entry.Single(e => e.Search?.Mode == Bundle.SearchEntryMode.Outcome).Resource);
        Assert.Contains("shoe-size", outcome.Issue[0].Diagnostics);
        Assert.Contains("shoe-size", error.Outcome.Issue[0].Diagnostics);
        Assert.DoesNotContain(Link(lenient, "self")!, "shoe-size");
    }

    [Theory]
    [InlineData("Patient", "gender:exact=female")]
    [InlineData("Patient", "family:below=x")]
    [InlineData("Patient", "birthdate=not-a-date")]
    [InlineData("Patient", "_count=many")]
    [InlineData("Patient", "_summary=some")]
    [InlineData("Patient", "family:missing=maybe")]
    [InlineData("Patient", "gender.name=x")]
    [InlineData("Observation", "code-value-quantity=8480-6")]
    public async Task Malformed_search_input_is_400_even_when_lenient(string type, string query)
    {
        await FailsWith(HttpStatusCode.BadRequest, () => SearchAsync(type, query));
    }

    [Fact]
    public async Task Search_on_an_unknown_type_is_404()
    {
        await FailsWith(HttpStatusCode.NotFound, () => SearchAsync("Patients", "name=x"));
    }

    [Fact]
    public async Task Searchset_entries_carry_full_urls_on_the_base()
    {
        await SeedCareAsync();

        var bundle = await SearchAsync("Patient", "_id=p1");

        Assert.Equal(Bundle.BundleType.Searchset, bundle.Type);
        Assert.Equal($"{BaseUrl}/Patient/p1", bundle.Entry.Single().FullUrl);
    }
}
