using FhirTrial.Trial.Recist;

namespace FhirTrial.Trial.Tests.Recist;

public class ResponseCodesTests
{
    [Theory]
    [InlineData(Response.CR, "CR")]
    [InlineData(Response.PR, "PR")]
    [InlineData(Response.SD, "SD")]
    [InlineData(Response.PD, "PD")]
    [InlineData(Response.NE, "NE")]
    [InlineData(Response.NonCrNonPd, "NON-CR/NON-PD")]
    [InlineData(Response.NA, "NA")]
    public void Codes_are_the_contracts_and_round_trip(Response response, string code)
    {
        Assert.Equal(code, response.ToCode());
        Assert.Equal(response, ResponseCodes.Parse(code));
    }

    [Fact]
    public void Unknown_codes_are_refused()
    {
        Assert.False(ResponseCodes.TryParse("NonCrNonPd", out _));
        Assert.Throws<FormatException>(() => ResponseCodes.Parse("progression"));
    }
}
