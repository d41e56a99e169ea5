using FhirTrial.Fhir.Serialization;
using FhirTrial.Trial.Fhir.Recist;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Common;

/// <summary>
/// RECIST data already read as Firely resources (by <c>$eligibility</c> and <c>$protocol-deviations</c>), turned into
/// trial facts by the one RECIST reader, <see cref="SubjectFactsMapper.Recist"/>: the resources go back to their JSON and
/// are read exactly as <c>$recist-response</c> and <c>$efficacy</c> read them, so every operation agrees on lesions, roles,
/// nodes, units and time points.
/// </summary>
public static class RecistResources
{
    /// <summary>The <c>code</c> search value that finds the three RECIST Observation kinds (CONTRACT.md section 3).</summary>
    public const string SearchCodes =
        $"{TrialCodes.Loinc}|{TrialCodes.TumourSize},{TrialCodes.RecistSystem}|{TrialCodes.NonTargetStatus},{TrialCodes.RecistSystem}|{TrialCodes.NewLesion}";

    /// <summary>The lesion references the Observations point at (to read the BodyStructures in one call).</summary>
    public static IEnumerable<string> FocusReferences(IEnumerable<Observation> observations) =>
        observations.SelectMany(o => o.Focus).Select(f => f.Reference).OfType<string>().Distinct(StringComparer.Ordinal);

    /// <param name="observations">the patient's Observations (others than RECIST ones are ignored)</param>
    /// <param name="resources">resources read by reference; the BodyStructures among them are the lesions</param>
    /// <param name="cutoff">records dated after it are left out</param>
    public static PatientRecist Read(IEnumerable<Observation> observations, IEnumerable<Resource> resources, DateOnly cutoff) =>
        SubjectFactsMapper.Recist(
            resources.OfType<BodyStructure>().Select(b => SubjectFactsMapper.ReadBodyStructure(FhirSerializer.ToJson(b))),
            observations.Select(o => SubjectFactsMapper.ReadObservation(FhirSerializer.ToJson(o)))
                .OfType<ObservationFact>()
                .Where(o => o.Date <= cutoff));
}
