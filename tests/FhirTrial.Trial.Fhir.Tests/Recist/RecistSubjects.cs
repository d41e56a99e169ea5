using FhirTrial.Trial.Fhir.Common;
using Hl7.Fhir.Model;
using static FhirTrial.Trial.Fhir.Tests.Fhir;
using Writer = FhirTrial.Trial.Fhir.Recist.RecistObservationWriter;

namespace FhirTrial.Trial.Fhir.Tests.Recist;

/// <summary>
/// Subjects shaped like the contract probe's: first dose 2025-01-06, cadonilimab every 21 days up to the last scan,
/// target lesions measured on the given days (day 0 = first dose), optionally an unequivocal new lesion.
/// </summary>
public static class RecistSubjects
{
    public static readonly DateOnly FirstDose = new(2025, 1, 6);

    public static string Day(int day) => FirstDose.AddDays(day).ToString("yyyy-MM-dd");

    /// <param name="sizes">day -> size of each target lesion (T1, T2, ...) in mm; null = not assessed</param>
    /// <param name="lastDoseDay">last cadonilimab day (default: the last scan day); null with <paramref name="treated"/> false gives no dose at all</param>
    public static async Task<(string SubjectId, string PatientId)> AddAsync(
        TrialStore trial, string name, IReadOnlyDictionary<int, decimal?[]> sizes, int? newLesionDay = null,
        string enrolled = "2025-01-03", bool treated = true, int? lastDoseDay = null, string? deceased = null,
        ResearchSubject.ResearchSubjectStatus status = ResearchSubject.ResearchSubjectStatus.OnStudy)
    {
        var patient = await trial.PutAsync(Patient("pat-" + name, deceased: deceased));
        var subject = await trial.PutAsync(Subject("rs-" + name, patient.Id!, enrolled, status));
        if (treated)
        {
            var last = lastDoseDay ?? Math.Max(0, sizes.Keys.Max());
            for (var d = 0; d <= last; d += 21)
                await trial.PutAsync(Given(patient.Id!, "cadonilimab", Day(d), 700m));
        }

        var targets = sizes.Values.Max(v => v.Length);
        var lesions = new List<BodyStructure>();
        for (var i = 0; i < targets; i++)
            lesions.Add(await trial.PutAsync(Lesion(patient.Id!, $"{name}-T{i + 1}", "target")));
        foreach (var (day, values) in sizes.OrderBy(s => s.Key))
            for (var i = 0; i < values.Length; i++)
                if (values[i] is { } mm)
                    await trial.PutAsync(Size(patient.Id!, lesions[i], Day(day), mm));

        if (newLesionDay is { } nd)
        {
            var lesion = await trial.PutAsync(Lesion(patient.Id!, $"{name}-N1", "new"));
            await trial.PutAsync(NewLesion(patient.Id!, lesion, Day(nd), "unequivocal"));
        }

        return (subject.Id!, patient.Id!);
    }

    public static Dictionary<int, decimal?[]> Sizes(params (int Day, decimal?[] Mm)[] scans) => scans.ToDictionary(s => s.Day, s => s.Mm);

    public static decimal?[] Mm(params decimal?[] values) => values;

    /// <summary>All Observations of the patient with a derived-response identifier.</summary>
    public static async Task<IReadOnlyList<Observation>> DerivedAsync(TrialStore trial, string patientId) =>
        await trial.Records.SearchAsync<Observation>(default, ("subject", $"Patient/{patientId}"),
            ("identifier", Writer.IdentifierSystem + "|"));
}
