using FhirTrial.Trial.Recist;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Common;

/// <summary>The RECIST Observations of one patient as domain records (FHIR -> domain).</summary>
public sealed record RecistObservations(
    IReadOnlyList<Lesion> Lesions,
    IReadOnlyList<TargetMeasurement> Measurements,
    IReadOnlyList<NonTargetAssessment> NonTargetAssessments,
    IReadOnlyList<NewLesionFinding> NewLesions)
{
    public RecistInput ToInput(DateOnly firstDose, DateOnly? deathDate) =>
        new(Lesions, Measurements, NonTargetAssessments, NewLesions, firstDose, deathDate);
}

/// <summary>
/// Maps lesion BodyStructures and the RECIST Observations of CONTRACT.md section 3 (LOINC 21889-1 sizes,
/// <c>recist#non-target-status</c>, <c>recist#new-lesion</c>) to RECIST records. A lesion is identified by its
/// BodyStructure reference; an Observation whose focus is missing or unknown still counts, with the role its code implies.
/// </summary>
public static class RecistObservationMapper
{
    /// <summary>The <c>code</c> search value that finds all three kinds.</summary>
    public static string SearchCodes =>
        $"{TrialCodes.Loinc}|{TrialCodes.TumourSize},{TrialCodes.RecistSystem}|{TrialCodes.NonTargetStatus},{TrialCodes.RecistSystem}|{TrialCodes.NewLesion}";

    /// <summary>The lesion references the Observations point at (to read the BodyStructures in one call).</summary>
    public static IEnumerable<string> FocusReferences(IEnumerable<Observation> observations) =>
        observations.SelectMany(o => o.Focus).Select(f => f.Reference).OfType<string>().Distinct(StringComparer.Ordinal);

    public static RecistObservations Map(IEnumerable<Observation> observations, IReadOnlyDictionary<string, Resource> lesionResources)
    {
        var lesions = new Dictionary<string, Lesion>(StringComparer.Ordinal);
        foreach (var body in lesionResources.Values.OfType<BodyStructure>())
            if (ToLesion(body) is { } lesion)
                lesions[lesion.Id] = lesion;

        var measurements = new List<TargetMeasurement>();
        var nonTargets = new List<NonTargetAssessment>();
        var newLesions = new List<NewLesionFinding>();
        foreach (var observation in observations.Where(o => o.IsUsable()))
        {
            if (observation.Date() is not { } date) continue;
            var evidence = observation.Reference();
            var group = observation.Encounter?.Reference;
            var lesionId = observation.Focus.Select(f => f.Reference).FirstOrDefault(r => r is not null) ?? evidence;

            if (observation.HasLoinc(TrialCodes.TumourSize))
            {
                lesions.TryAdd(lesionId, new Lesion(lesionId, LesionRole.Target, IsLymphNode: false));
                var mm = observation.DataAbsentReason is null ? UcumConversion.TryConvert(observation.Value as Hl7.Fhir.Model.Quantity, "mm") : null;
                measurements.Add(new TargetMeasurement(lesionId, date, mm, evidence, group));
            }
            else if (observation.Code.HasCoding(TrialCodes.RecistSystem, TrialCodes.NonTargetStatus))
            {
                lesions.TryAdd(lesionId, new Lesion(lesionId, LesionRole.NonTarget, IsLymphNode: false));
                var status = observation.DataAbsentReason is null ? NonTargetStatusOf(observation.Value as CodeableConcept) : null;
                nonTargets.Add(new NonTargetAssessment(lesionId, date, status, evidence, group));
            }
            else if (observation.Code.HasCoding(TrialCodes.RecistSystem, TrialCodes.NewLesion))
            {
                lesions.TryAdd(lesionId, new Lesion(lesionId, LesionRole.New, IsLymphNode: false));
                // A new lesion without a readable certainty is taken as equivocal: only an unequivocal one is progression.
                var certainty = (observation.Value as CodeableConcept).HasCoding(TrialCodes.RecistSystem, "unequivocal")
                    ? NewLesionCertainty.Unequivocal
                    : NewLesionCertainty.Equivocal;
                newLesions.Add(new NewLesionFinding(lesionId, date, certainty, evidence, group));
            }
        }
        return new RecistObservations(lesions.Values.ToArray(), measurements, nonTargets, newLesions);
    }

    /// <summary>A lesion from its BodyStructure (role and lymph-node extensions); null without a known role.</summary>
    public static Lesion? ToLesion(BodyStructure body)
    {
        var role = (body.GetExtension(TrialCodes.LesionRoleExtension)?.Value as Code)?.Value switch
        {
            "target" => LesionRole.Target,
            "non-target" => LesionRole.NonTarget,
            "new" => LesionRole.New,
            _ => (LesionRole?)null,
        };
        if (role is null) return null;
        var node = (body.GetExtension(TrialCodes.LymphNodeExtension)?.Value as FhirBoolean)?.Value == true;
        return new Lesion(body.Reference(), role.Value, node);
    }

    private static NonTargetStatus? NonTargetStatusOf(CodeableConcept? value) =>
        value?.Coding.Where(c => c.System == TrialCodes.RecistSystem).Select(c => c.Code).FirstOrDefault() switch
        {
            "present" => NonTargetStatus.Present,
            "absent" => NonTargetStatus.Absent,
            "unequivocal-progression" => NonTargetStatus.UnequivocalProgression,
            _ => null,
        };
}
