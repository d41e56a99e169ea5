namespace FhirTrial.Server.Http;

/// <summary>Input limits, from configuration (<c>Limits:*</c>); enforced in the FHIR layer as well as by Kestrel so every host refuses alike.</summary>
public sealed record RequestLimits(long MaxRequestBytes)
{
    public static RequestLimits From(IConfiguration configuration)
        => new(configuration.GetValue<long?>("Limits:MaxRequestBytes") ?? 64 * 1024 * 1024);
}
