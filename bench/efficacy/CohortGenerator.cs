using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Storage;
using FhirTrial.Trial.Fhir.Common;
using Hl7.Fhir.Model;

namespace FhirTrial.Bench;

/// <summary>A deterministic synthetic study: each subject has 2-3 target lesions, a non-target, scans every 42 days and cadonilimab every 21.</summary>
internal static class CohortGenerator
{
    public const string StudyId = "bench-study";
    private const string Ucum = "http://unitsofmeasure.org";

    public static async Task<int> WriteAsync(ResourceService resources, IFhirStore store, int subjects, int assessments)
    {
        var random = new Random(20250106);
        var batch = new List<Resource> { new ResearchStudy { Id = StudyId, Status = ResearchStudy.ResearchStudyStatus.Active } };
        var written = 0;
        for (var s = 0; s < subjects; s++)
        {
            var pid = $"p{s:D5}";
            var patient = new ResourceReference($"Patient/{pid}");
            var firstDose = new DateOnly(2024, 1, 1).AddDays(random.Next(0, 365));
            string Day(int d) => firstDose.AddDays(d).ToString("yyyy-MM-dd");
            batch.Add(new Patient
            {
                Id = pid,
                BirthDate = "1960-01-01",
                Deceased = random.NextDouble() < 0.2 ? new FhirDateTime(Day(random.Next(60, 42 * assessments + 60))) : null,
            });
            batch.Add(new ResearchSubject
            {
                Id = $"rs{s:D5}",
                Status = ResearchSubject.ResearchSubjectStatus.OnStudy,
                Study = new ResourceReference($"ResearchStudy/{StudyId}"),
                Individual = patient,
                Period = new Period { Start = Day(-3) },
            });
            for (var d = 0; d <= 42 * assessments; d += 21)
            {
                batch.Add(new MedicationAdministration
                {
                    Id = $"{pid}-ma{d}",
                    Status = MedicationAdministration.MedicationAdministrationStatusCodes.Completed,
                    Medication = new ResourceReference("Medication/cadonilimab"),
                    Subject = patient,
                    Effective = new FhirDateTime(Day(d)),
                    Dosage = new MedicationAdministration.DosageComponent { Dose = new Hl7.Fhir.Model.Quantity(700m, "mg", Ucum) },
                });
            }

            var targets = random.Next(2, 4);
            var sizes = Enumerable.Range(0, targets).Select(_ => (decimal)random.Next(15, 60)).ToArray();
            var trend = random.NextDouble() switch { < 0.3 => -0.12m, < 0.7 => -0.02m, _ => 0.08m };
            for (var t = 0; t <= targets; t++)
            {
                var body = new BodyStructure
                {
                    Id = $"{pid}-l{t}",
                    Patient = patient,
                    Identifier = [new Identifier(null, t < targets ? $"T{t + 1}" : "NT1")],
                    Location = new CodeableConcept(TrialCodes.Snomed, "10200004"),
                };
                body.SetExtension(TrialCodes.LesionRoleExtension, new Code(t < targets ? "target" : "non-target"));
                body.SetExtension(TrialCodes.LymphNodeExtension, new FhirBoolean(false));
                batch.Add(body);
            }

            for (var a = 0; a <= assessments; a++)
            {
                var day = a == 0 ? -5 : 42 * a + random.Next(-5, 6);
                for (var t = 0; t < targets; t++)
                {
                    var mm = Math.Max(0m, Math.Round(sizes[t] * (1 + trend * a + (decimal)(random.NextDouble() - 0.5) * 0.1m)));
                    batch.Add(new Observation
                    {
                        Id = $"{pid}-a{a}-t{t}",
                        Status = ObservationStatus.Final,
                        Code = new CodeableConcept(TrialCodes.Loinc, TrialCodes.TumourSize),
                        Subject = patient,
                        Focus = [new ResourceReference($"BodyStructure/{pid}-l{t}")],
                        Effective = new FhirDateTime(Day(day)),
                        Value = new Hl7.Fhir.Model.Quantity(mm, "mm", Ucum),
                    });
                }

                batch.Add(new Observation
                {
                    Id = $"{pid}-a{a}-nt",
                    Status = ObservationStatus.Final,
                    Code = new CodeableConcept(TrialCodes.RecistSystem, TrialCodes.NonTargetStatus),
                    Subject = patient,
                    Focus = [new ResourceReference($"BodyStructure/{pid}-l{targets}")],
                    Effective = new FhirDateTime(Day(day)),
                    Value = new CodeableConcept(TrialCodes.RecistSystem, "present"),
                });
            }

            if (batch.Count >= 5000)
                written += await FlushAsync(resources, store, batch);
        }

        return written + await FlushAsync(resources, store, batch);
    }

    private static async Task<int> FlushAsync(ResourceService resources, IFhirStore store, List<Resource> batch)
    {
        var writes = batch.Select(r => resources.Prepare(r, r.Id!, 1, "PUT")).ToList();
        await store.WriteAsync(async tx => { await tx.PutManyAsync(writes, default); return true; }, default);
        var count = batch.Count;
        batch.Clear();
        return count;
    }
}
