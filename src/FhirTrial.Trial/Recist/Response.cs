namespace FhirTrial.Trial.Recist;

/// <summary>A RECIST 1.1 response category, for a component, a time point or the best overall response.</summary>
public enum Response
{
    CR,
    PR,
    SD,
    PD,
    NE,
    NonCrNonPd,
    /// <summary>Not applicable: no disease of that kind at baseline.</summary>
    NA,
}

/// <summary>The contract's codes for <see cref="Response"/> ("CR", "NON-CR/NON-PD", ...).</summary>
public static class ResponseCodes
{
    public static string ToCode(this Response response) => response switch
    {
        Response.CR => "CR",
        Response.PR => "PR",
        Response.SD => "SD",
        Response.PD => "PD",
        Response.NE => "NE",
        Response.NonCrNonPd => "NON-CR/NON-PD",
        Response.NA => "NA",
        _ => throw new ArgumentOutOfRangeException(nameof(response)),
    };

    public static bool TryParse(string? code, out Response response)
    {
        foreach (var candidate in Enum.GetValues<Response>())
        {
            if (string.Equals(candidate.ToCode(), code?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                response = candidate;
                return true;
            }
        }

        response = default;
        return false;
    }

    public static Response Parse(string code) =>
        TryParse(code, out var response) ? response : throw new FormatException($"Unknown RECIST response code '{code}'.");

    /// <summary>CR, PR, SD or NON-CR/NON-PD: the disease is controlled at this assessment.</summary>
    public static bool IsDiseaseControl(this Response response) =>
        response is Response.CR or Response.PR or Response.SD or Response.NonCrNonPd;

    public static bool IsObjectiveResponse(this Response response) => response is Response.CR or Response.PR;
}
