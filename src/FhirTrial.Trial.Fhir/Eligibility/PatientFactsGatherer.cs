using FhirTrial.Trial.Eligibility;
using FhirTrial.Trial.Fhir.Common;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Eligibility;

/// <summary>Gathers what eligibility needs about a patient with a handful of searches.</summary>
public sealed class PatientFactsGatherer(RecordReader records)
{
    /// <summary>The LOINC and RECIST codes of every Observation the criteria may read.</summary>
    private static readonly string ObservationCodes = string.Join(',',
        Observations.LoincCodes([.. MeasurementCodes.All.Select(m => m.Loinc), TrialCodes.BloodPressurePanel, TrialCodes.BloodPressureSystolicDiastolic, TrialCodes.DiseaseProgression]),
        RecistResources.SearchCodes);

    public async Task<PatientRecord> GatherAsync(string patientId, CancellationToken ct)
    {
        var patient = await records.RequireAsync<Patient>(patientId, ct);
        var subject = ("subject", $"Patient/{patientId}");
        var conditions = await records.SearchAsync<Condition>(ct, subject);
        var statements = await records.SearchAsync<MedicationStatement>(ct, subject);
        var administrations = await records.SearchAsync<MedicationAdministration>(ct, subject);
        var observations = await records.SearchAsync<Observation>(ct, subject, ("code", ObservationCodes));

        // Medications named by reference (to read their ATC codes) and the lesions the RECIST Observations focus on.
        var references = statements.Select(s => (s.Medication as ResourceReference)?.Reference)
            .Concat(administrations.Select(a => (a.Medication as ResourceReference)?.Reference))
            .OfType<string>()
            .Concat(RecistResources.FocusReferences(observations));
        var referenced = await records.ReadManyAsync(references, ct);
        return new PatientRecord(patient, conditions, statements, administrations, observations, referenced);
    }

    public async Task<PatientFacts> GatherFactsAsync(string patientId, IReadOnlyList<EligibilityCriterion> criteria, DateOnly date, CancellationToken ct) =>
        PatientFactsMapper.Map(await GatherAsync(patientId, ct), PatientFactsMapper.UnitsFor(criteria), date);
}
