namespace FhirTrial.Server.Http;

/// <summary>Input limits, from configuration (<c>Limits:*</c>); enforced in the FHIR layer as well as by Kestrel so every host refuses alike.</summary>
/// <param name="ValidationBudget">How long one profile validation may run (<c>Limits:ValidationSeconds</c>); beyond it 422 too-costly.</param>
public sealed record RequestLimits(long MaxRequestBytes, TimeSpan ValidationBudget)
{
    public const double DefaultValidationSeconds = 10;

    public static RequestLimits From(IConfiguration configuration)
    {
        var seconds = configuration.GetValue<double?>("Limits:ValidationSeconds") ?? DefaultValidationSeconds;
        if (!(seconds > 0)) throw new InvalidOperationException("Limits:ValidationSeconds must be a positive number of seconds.");
        return new(configuration.GetValue<long?>("Limits:MaxRequestBytes") ?? 64 * 1024 * 1024, TimeSpan.FromSeconds(seconds));
    }
}
