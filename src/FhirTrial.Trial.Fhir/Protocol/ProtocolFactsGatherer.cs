using FhirTrial.Trial.Fhir.Common;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Protocol;

/// <summary>Gathers a research subject's dosing, weights and tumour assessments with a handful of searches.</summary>
public sealed class ProtocolFactsGatherer(RecordReader records)
{
    public async Task<SubjectRecord> GatherAsync(ResearchSubject subject, CancellationToken ct)
    {
        var patientId = RecordReader.IdOf(subject.Individual, "Patient")
            ?? throw FhirTrial.Fhir.Errors.FhirException.Unprocessable("The ResearchSubject has no individual Patient.", "ResearchSubject.individual");
        var patient = await records.RequireAsync<Patient>(patientId, ct);
        var bySubject = ("subject", $"Patient/{patientId}");
        var administrations = await records.SearchAsync<MedicationAdministration>(ct, bySubject);
        var weights = await records.SearchAsync<Observation>(ct, bySubject, ("code", Observations.LoincCodes(TrialCodes.BodyWeight)));
        var recist = await records.SearchAsync<Observation>(ct, bySubject, ("code", RecistResources.SearchCodes));
        var lesions = await records.ReadManyAsync(RecistResources.FocusReferences(recist), ct);
        return new SubjectRecord(subject, patient, administrations, weights, recist, lesions);
    }
}
