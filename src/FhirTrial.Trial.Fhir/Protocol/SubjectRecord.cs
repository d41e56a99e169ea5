using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Protocol;

/// <summary>A research subject's on-study record as read from the store, before it is turned into facts.</summary>
public sealed record SubjectRecord(
    ResearchSubject Subject,
    Patient Patient,
    IReadOnlyList<MedicationAdministration> Administrations,
    IReadOnlyList<Observation> Weights,
    IReadOnlyList<Observation> RecistObservations,
    IReadOnlyDictionary<string, Resource> Lesions);
