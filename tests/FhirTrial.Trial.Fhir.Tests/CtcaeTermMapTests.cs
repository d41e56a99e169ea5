using FhirTrial.Trial.Safety;

namespace FhirTrial.Trial.Fhir.Tests;

/// <summary>The CTCAE v5.0 term-to-SOC map shipped in profiles/ (ConceptMap-ctcae-v5-soc.json) as the server reads it.</summary>
public class CtcaeTermMapTests
{
    private static AdverseEventRecord Named(string name) => new("S1", "x", name, 1, null, false, Causality.Related);

    [Fact]
    public void Holds_all_837_ctcae_v5_terms_in_the_26_meddra_socs()
    {
        Assert.Equal(837, PackageTerms.Ctcae.Count);
        // Each SOC's code is the code CTCAE gives its "<SOC> - Other, specify" term.
        var hypertension = PackageTerms.Ctcae.Find(new AdverseEventRecord("S1", "10020772", "", 1, null, false, Causality.Related));
        Assert.Equal(("Vascular disorders", "10047065"), (hypertension?.Soc, hypertension?.SocCode));
        Assert.Equal("10047065", PackageTerms.Ctcae.Find(Named("Vascular disorders - Other, specify"))?.Code);
    }

    [Theory]
    [InlineData("Diarrhoea", "Diarrhea", "Gastrointestinal disorders")]
    [InlineData("Palmar-plantar erythrodysaesthesia syndrome", "Palmar-plantar erythrodysesthesia syndrome", "Skin and subcutaneous tissue disorders")]
    [InlineData("Fatigue", "Fatigue", "General disorders and administration site conditions")]
    [InlineData("Pneumonitis", "Pneumonitis", "Respiratory, thoracic and mediastinal disorders")]
    [InlineData("Alanine aminotransferase increased", "Alanine aminotransferase increased", "Investigations")]
    public void Finds_the_terms_trial_events_carry(string name, string term, string soc)
    {
        var found = PackageTerms.Ctcae.Find(Named(name));
        Assert.Equal((term, soc), (found?.Term, found?.Soc));
    }
}
