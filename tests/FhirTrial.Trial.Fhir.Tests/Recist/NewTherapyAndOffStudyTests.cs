using FhirTrial.Trial.Fhir.Common;
using Hl7.Fhir.Model;
using static FhirTrial.Trial.Fhir.Tests.Recist.RecistSubjects;

namespace FhirTrial.Trial.Fhir.Tests.Recist;

/// <summary>
/// New anticancer therapy and leaving the study (ADR 0006), through FHIR data. The subject has one target of 50 mm at
/// day -4, a PR (30 mm) on day 42 that the day-84 scan (30 mm) would confirm, and PD (45 mm) on day 126.
/// </summary>
public sealed class NewTherapyAndOffStudyTests : IAsyncLifetime
{
    private readonly TrialStore _trial = new();

    public Task InitializeAsync() => _trial.InitializeAsync();
    public Task DisposeAsync() => _trial.DisposeAsync();

    private Task<(string SubjectId, string PatientId)> AddAsync(ResearchSubject.ResearchSubjectStatus status = ResearchSubject.ResearchSubjectStatus.OnStudy) =>
        RecistSubjects.AddAsync(_trial, "nt", Sizes((-4, Mm(50)), (42, Mm(30)), (84, Mm(30)), (126, Mm(45))), status: status);

    private static CodeableConcept Atc(string code) => new(TrialCodes.Atc, code);

    public static TheoryData<string> Therapies => ["request", "statement", "administration", "medication-reference", "radiotherapy", "surgery"];

    private static Resource[] Therapy(string kind, string patient, string date) => kind switch
    {
        "request" => [new MedicationRequest
        {
            Status = MedicationRequest.MedicationrequestStatus.Active, Intent = MedicationRequest.MedicationRequestIntent.Order,
            Subject = new ResourceReference($"Patient/{patient}"), Medication = Atc("L01EC01"), AuthoredOn = date,
        }],
        "statement" => [new MedicationStatement
        {
            Status = MedicationStatement.MedicationStatusCodes.Active, Subject = new ResourceReference($"Patient/{patient}"),
            Medication = Atc("L02BB04"), Effective = new FhirDateTime(date),
        }],
        "administration" => [new MedicationAdministration
        {
            Status = MedicationAdministration.MedicationAdministrationStatusCodes.Completed,
            Subject = new ResourceReference($"Patient/{patient}"), Medication = Atc("L01XA02"), Effective = new FhirDateTime(date),
        }],
        "medication-reference" =>
        [
            new Medication { Id = "everolimus", Code = Atc("L01EG02") },
            new MedicationRequest
            {
                Status = MedicationRequest.MedicationrequestStatus.Active, Intent = MedicationRequest.MedicationRequestIntent.Order,
                Subject = new ResourceReference($"Patient/{patient}"), Medication = new ResourceReference("Medication/everolimus"), AuthoredOn = date,
            },
        ],
        "radiotherapy" => [new Procedure
        {
            Status = EventStatus.Completed, Subject = new ResourceReference($"Patient/{patient}"),
            Code = new CodeableConcept(TrialCodes.Snomed, NewAnticancerTherapy.Radiotherapy), Performed = new FhirDateTime(date),
        }],
        _ => [new Procedure
        {
            Status = EventStatus.Completed, Subject = new ResourceReference($"Patient/{patient}"),
            Category = new CodeableConcept(TrialCodes.Snomed, NewAnticancerTherapy.SurgicalProcedure),
            Code = new CodeableConcept(TrialCodes.Snomed, "65801008", "Excision"),
            ReasonCode = [new CodeableConcept("http://hl7.org/fhir/sid/icd-10", "C79.5")],
            Performed = new FhirDateTime(date),
        }],
    };

    [Theory]
    [MemberData(nameof(Therapies))]
    public async Task Scans_from_new_anticancer_therapy_on_do_not_count(string kind)
    {
        var (subject, patient) = await AddAsync();
        await _trial.PutAllAsync(Therapy(kind, patient, Day(60)));

        var p = await new RecistOperations(_trial).GetRecistAsync(subject);

        Assert.Equal([Day(42)], p.All("timepoint").Select(t => t.Part("date").Text()));
        Assert.Equal("SD", p.Out("bestOverallResponse").Text());
        Assert.Null(p.Out("progressionDate"));
    }

    [Fact]
    public async Task New_therapy_censors_PFS_and_makes_the_interim_subject_final()
    {
        var (_, patient) = await AddAsync();
        await _trial.PutAllAsync(Therapy("request", patient, Day(60)));
        var operations = new RecistOperations(_trial);

        var efficacy = await operations.EfficacyAsync();
        var interim = await operations.InterimAsync(Day(70));

        var pfs = efficacy.All("pfs").Single();
        Assert.Equal((0, 1), (pfs.Part("events").Int(), pfs.Part("censored").Int()));
        Assert.Equal(1, interim.Out("stage1Evaluated").Int());
        Assert.DoesNotContain(interim.Parameter, x => x.Name == "pending");
    }

    [Fact]
    public async Task Study_drugs_before_or_after_and_other_drugs_are_not_new_therapy()
    {
        var (subject, patient) = await AddAsync();
        // Lenvatinib by its ATC code, and a non-cancer drug (metformin, A10BA02), and an L01 drug before first dose.
        await _trial.PutAllAsync(
        [
            .. Therapy("request", patient, Day(-20)),
            new MedicationRequest
            {
                Status = MedicationRequest.MedicationrequestStatus.Active, Intent = MedicationRequest.MedicationRequestIntent.Order,
                Subject = new ResourceReference($"Patient/{patient}"), Medication = Atc(TrialCodes.LenvatinibAtc), AuthoredOn = Day(60),
            },
            new MedicationStatement
            {
                Status = MedicationStatement.MedicationStatusCodes.Active, Subject = new ResourceReference($"Patient/{patient}"),
                Medication = Atc("A10BA02"), Effective = new FhirDateTime(Day(60)),
            },
        ]);

        var p = await new RecistOperations(_trial).GetRecistAsync(subject);

        Assert.Equal(3, p.All("timepoint").Count());
        Assert.Equal("PR", p.Out("bestOverallResponse").Text());
        Assert.Equal(Day(126), p.Out("progressionDate").Text());
    }

    [Fact]
    public async Task Nothing_after_an_off_study_subjects_period_end_counts()
    {
        var (subject, _) = await AddAsync(ResearchSubject.ResearchSubjectStatus.OffStudy);
        var stored = await _trial.Records.RequireAsync<ResearchSubject>(subject, default);
        stored.Period = new Period { Start = "2025-01-03", End = Day(100) };
        await _trial.PutAsync(stored);

        var p = await new RecistOperations(_trial).GetRecistAsync(subject);

        // The day-126 PD came after the subject left: not counted; the PR stays confirmed.
        Assert.Equal([Day(42), Day(84)], p.All("timepoint").Select(t => t.Part("date").Text()));
        Assert.Equal("PR", p.Out("bestOverallResponse").Text());
        Assert.Null(p.Out("progressionDate"));
    }
}
