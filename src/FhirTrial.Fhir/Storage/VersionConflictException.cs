using FhirTrial.Fhir.Errors;

namespace FhirTrial.Fhir.Storage;

/// <summary>A 409 raised by a store when the version it holds is not the one a write expected; stores that retry
/// concurrent first inserts (expected version 0) recognise it by type rather than by message.</summary>
public sealed class VersionConflictException(string type, string id, int expectedVersion, int? storedVersion)
    : FhirException(System.Net.HttpStatusCode.Conflict, Outcomes.Single(Hl7.Fhir.Model.OperationOutcome.IssueSeverity.Error,
        Hl7.Fhir.Model.OperationOutcome.IssueType.Conflict,
        $"{type}/{id} changed concurrently: expected version {expectedVersion}, found {storedVersion?.ToString() ?? "none"}."))
{
    public int ExpectedVersion { get; } = expectedVersion;
}
