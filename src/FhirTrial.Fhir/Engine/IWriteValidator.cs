using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Engine;

/// <summary>Checks a resource before it is written; throws a 422 FhirException when it claims a profile it does not meet.</summary>
public interface IWriteValidator
{
    Task ValidateAsync(Resource resource, CancellationToken ct);

    /// <summary>False when <see cref="ValidateAsync"/> would accept the resource without looking further, so a caller
    /// may skip work done only to validate it early.</summary>
    bool Checks(Resource resource) => true;
}

/// <summary>Accepts everything: used where no profiles are loaded.</summary>
public sealed class NoWriteValidation : IWriteValidator
{
    public Task ValidateAsync(Resource resource, CancellationToken ct) => Task.CompletedTask;

    public bool Checks(Resource resource) => false;
}
