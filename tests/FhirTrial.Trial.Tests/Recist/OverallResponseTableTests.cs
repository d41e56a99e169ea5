using FhirTrial.Trial.Recist;

namespace FhirTrial.Trial.Tests.Recist;

/// <summary>RECIST 1.1 table 1: overall response from target x non-target x new lesion, every cell.</summary>
public class OverallResponseTableTests
{
    [Theory]
    //          target   non-target        no new lesion     equivocal new     unequivocal new
    [InlineData("CR", "CR",            "CR",            "CR",            "PD")]
    [InlineData("CR", "NA",            "CR",            "CR",            "PD")]
    [InlineData("CR", "NON-CR/NON-PD", "PR",            "PR",            "PD")]
    [InlineData("CR", "NE",            "PR",            "PR",            "PD")]
    [InlineData("CR", "PD",            "PD",            "PD",            "PD")]
    [InlineData("PR", "CR",            "PR",            "PR",            "PD")]
    [InlineData("PR", "NA",            "PR",            "PR",            "PD")]
    [InlineData("PR", "NON-CR/NON-PD", "PR",            "PR",            "PD")]
    [InlineData("PR", "NE",            "PR",            "PR",            "PD")]
    [InlineData("PR", "PD",            "PD",            "PD",            "PD")]
    [InlineData("SD", "CR",            "SD",            "SD",            "PD")]
    [InlineData("SD", "NA",            "SD",            "SD",            "PD")]
    [InlineData("SD", "NON-CR/NON-PD", "SD",            "SD",            "PD")]
    [InlineData("SD", "NE",            "SD",            "SD",            "PD")]
    [InlineData("SD", "PD",            "PD",            "PD",            "PD")]
    [InlineData("NE", "CR",            "NE",            "NE",            "PD")]
    [InlineData("NE", "NA",            "NE",            "NE",            "PD")]
    [InlineData("NE", "NON-CR/NON-PD", "NE",            "NE",            "PD")]
    [InlineData("NE", "NE",            "NE",            "NE",            "PD")]
    [InlineData("NE", "PD",            "PD",            "PD",            "PD")]
    [InlineData("PD", "CR",            "PD",            "PD",            "PD")]
    [InlineData("PD", "NA",            "PD",            "PD",            "PD")]
    [InlineData("PD", "NON-CR/NON-PD", "PD",            "PD",            "PD")]
    [InlineData("PD", "NE",            "PD",            "PD",            "PD")]
    [InlineData("PD", "PD",            "PD",            "PD",            "PD")]
    [InlineData("NA", "CR",            "CR",            "CR",            "PD")]
    [InlineData("NA", "NON-CR/NON-PD", "NON-CR/NON-PD", "NON-CR/NON-PD", "PD")]
    [InlineData("NA", "NE",            "NE",            "NE",            "PD")]
    [InlineData("NA", "PD",            "PD",            "PD",            "PD")]
    [InlineData("NA", "NA",            "NA",            "NA",            "PD")]
    public void Overall_response_follows_table_1(string target, string nonTarget, string noNew, string equivocalNew, string unequivocalNew)
    {
        var t = ResponseCodes.Parse(target);
        var nt = ResponseCodes.Parse(nonTarget);

        Assert.Equal(noNew, OverallResponse.Evaluate(t, nt, null).Response.ToCode());
        Assert.Equal(equivocalNew, OverallResponse.Evaluate(t, nt, NewLesionCertainty.Equivocal).Response.ToCode());
        Assert.Equal(unequivocalNew, OverallResponse.Evaluate(t, nt, NewLesionCertainty.Unequivocal).Response.ToCode());
    }

    [Fact]
    public void A_target_category_that_is_not_a_component_response_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => OverallResponse.Evaluate(Response.NonCrNonPd, Response.CR, null));
}
