using FhirTrial.Trial.Recist;

namespace FhirTrial.Trial.Tests.Recist;

/// <summary>Non-target response rules. Statuses: P present, A absent, U unequivocal progression, - not assessed.</summary>
public class NonTargetResponseTests
{
    [Theory]
    [InlineData("A A", "CR")]
    [InlineData("A", "CR")]
    [InlineData("P A", "NON-CR/NON-PD")]
    [InlineData("P", "NON-CR/NON-PD")]
    [InlineData("P -", "NE")]
    [InlineData("A -", "NE")]
    [InlineData("U -", "PD")] // progression wins over a missing lesion
    [InlineData("U A", "PD")]
    [InlineData("P U", "PD")]
    [InlineData("", "NA")]
    public void Non_target_response(string statuses, string expected)
    {
        var parsed = statuses.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select((s, i) => ($"NT{i + 1}", s switch
            {
                "P" => NonTargetStatus.Present,
                "A" => NonTargetStatus.Absent,
                "U" => NonTargetStatus.UnequivocalProgression,
                _ => (NonTargetStatus?)null,
            }))
            .ToList();

        Assert.Equal(expected, NonTargetResponse.Evaluate(parsed).Response.ToCode());
    }
}
