using Hl7.Fhir.Model;

namespace FhirTrial.Storage.Tests.Contract;

/// <summary>Date search parity: stored values and searches both stand for the span their precision implies
/// (FHIR R4 search, 3.1.1.4.2 "date" and the prefix table of 3.1.1.4.1), worked out by hand.</summary>
public abstract partial class StoreContract
{
    /// <summary>Observation.effective values, each spelled as an EHR would send it. Spans in UTC:
    /// <c>m</c> all of March 2025; <c>d14</c>, <c>d15</c> whole days; <c>tz</c> one second on 15 March (04:30Z);
    /// <c>p</c> 10..20 March; <c>open</c> 16 March onwards; <c>y</c> all of 2020.</summary>
    private async Task SeedDatesAsync()
    {
        Observation At(string id, DataType effective) { var o = NewObservation(id: id); o.Effective = effective; return o; }
        await PutAllAsync(
            At("m", new FhirDateTime("2025-03")),
            At("d14", new FhirDateTime("2025-03-14")),
            At("d15", new FhirDateTime("2025-03-15")),
            At("tz", new FhirDateTime("2025-03-14T23:30:00-05:00")),
            At("p", new Period(new FhirDateTime("2025-03-10"), new FhirDateTime("2025-03-20"))),
            At("open", new Period { StartElement = new FhirDateTime("2025-03-16") }),
            At("y", new FhirDateTime("2020")),
            NewObservation(id: "none"));
    }

    [Theory]
    // A day searched against a stored month, a second, a period and a year.
    [InlineData("date=2025-03-14", "d14")]
    [InlineData("date=eq2025-03-14", "d14")]
    [InlineData("date=ne2025-03-14", "m,d15,tz,p,open,y")]
    [InlineData("date=gt2025-03-14", "m,d15,tz,p,open")]
    [InlineData("date=lt2025-03-14", "m,p,y")]
    [InlineData("date=ge2025-03-14", "m,d14,d15,tz,p,open")]
    [InlineData("date=le2025-03-14", "m,d14,p,y")]
    [InlineData("date=sa2025-03-14", "d15,tz,open")]
    [InlineData("date=eb2025-03-14", "y")]
    [InlineData("date=ap2025-03-14", "m,d14,d15,tz,p,open")]
    // A month contains the days and the second inside it, not the open period or 2020.
    [InlineData("date=2025-03", "m,d14,d15,tz,p")]
    [InlineData("date=ne2025-03", "open,y")]
    [InlineData("date=gt2025-03", "open")]
    [InlineData("date=lt2025-03", "y")]
    [InlineData("date=sa2025-03", "")]
    [InlineData("date=eb2025-03", "y")]
    [InlineData("date=2025", "m,d14,d15,tz,p")]
    [InlineData("date=2020", "y")]
    // 23:30 at UTC-5 is 04:30Z the next day: the offset counts.
    [InlineData("date=2025-03-15", "d15,tz")]
    [InlineData("date=2025-03-14T23:30:00-05:00", "tz")]
    [InlineData("date=2025-03-15T04:30:00Z", "tz")]
    [InlineData("date=2025-03-15T04:30Z", "tz")]
    [InlineData("date=2025-03-14T23:30:00Z", "")]
    [InlineData("date=ge2025-03-15", "m,d15,tz,p,open")]
    // Periods: where they start and end.
    [InlineData("date=le2025-03-09", "m,y")]
    [InlineData("date=sa2025-03-09", "d14,d15,tz,p,open")]
    [InlineData("date=eb2025-03-21", "d14,d15,tz,p,y")]
    [InlineData("date=2025-03-18", "")]
    [InlineData("date=gt2030-01-01", "open")]
    // Values of one parameter are ORed, repeated parameters ANDed.
    [InlineData("date=2025-03-14,2025-03-15", "d14,d15,tz")]
    [InlineData("date=ge2025-03-14&date=le2025-03-15", "m,d14,d15,tz,p")]
    [InlineData("date:missing=true", "none")]
    public async Task Date_search_compares_the_implicit_ranges_of_value_and_search(string query, string expected)
    {
        await SeedDatesAsync();
        await AssertMatchesAsync("Observation", query, expected);
    }

    [Theory]
    [InlineData("birthdate=1961", "a,b")]
    [InlineData("birthdate=1961-04", "b")]
    [InlineData("birthdate=lt1961-04-02", "a,b,c")]
    [InlineData("birthdate=gt1961-04-02", "a,b")]
    [InlineData("birthdate=le1961-04-02", "a,b,c")]
    [InlineData("birthdate=eb1961-04-02", "c")]
    [InlineData("birthdate=ne1961", "c")]
    public async Task A_date_of_birth_is_a_day_a_month_or_a_year_as_it_was_written(string query, string expected)
    {
        await PutAllAsync(NewPatient("a", birthDate: "1961"), NewPatient("b", birthDate: "1961-04"), NewPatient("c", birthDate: "1958-12-31"));
        await AssertMatchesAsync("Patient", query, expected);
    }

    [Fact]
    public async Task A_search_date_that_is_not_a_date_is_400()
    {
        await FailsWith(System.Net.HttpStatusCode.BadRequest, () => SearchAsync("Observation", "date=2025-13-01"));
        await FailsWith(System.Net.HttpStatusCode.BadRequest, () => SearchAsync("Observation", "date=yesterday"));
    }
}
