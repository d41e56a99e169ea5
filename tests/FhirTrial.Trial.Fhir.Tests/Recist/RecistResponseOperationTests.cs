using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Validation;
using FhirTrial.Trial.Fhir.Common;
using FhirTrial.Trial.Fhir.Recist;
using Hl7.Fhir.Model;
using static FhirTrial.Trial.Fhir.Tests.Fhir;
using static FhirTrial.Trial.Fhir.Tests.Recist.RecistSubjects;

namespace FhirTrial.Trial.Fhir.Tests.Recist;

/// <summary><c>$recist-response</c> against a real SQLite store: the contract probe's worked examples, and persisting.</summary>
public sealed class RecistResponseOperationTests : IAsyncLifetime
{
    private readonly TrialStore _trial = new();

    public Task InitializeAsync() => _trial.InitializeAsync();
    public Task DisposeAsync() => _trial.DisposeAsync();

    // Worked example 1: 50 -> 34 (-32%) -> 33, a PR confirmed 42 days later.
    private Task<(string SubjectId, string PatientId)> ConfirmedPartialResponseAsync() =>
        AddAsync(_trial, "pr", Sizes((-4, Mm(30, 20)), (42, Mm(20, 14)), (84, Mm(20, 13))));

    [Fact]
    public async Task Probe_example_1_a_partial_response_confirmed_42_days_later()
    {
        var (subject, _) = await ConfirmedPartialResponseAsync();

        var p = await new RecistOperations(_trial).GetRecistAsync(subject);

        Assert.Equal(50m, p.Out("baselineSum").Dec());
        var timepoints = p.All("timepoint").ToList();
        Assert.Equal(["PR", "PR"], timepoints.Select(t => t.Part("overallResponse").Text()));
        Assert.Equal(["2025-02-17", "2025-03-31"], timepoints.Select(t => t.Part("date").Text()));
        Assert.Equal(34m, timepoints[0].Part("targetSum").Dec());
        Assert.Equal(-32m, timepoints[0].Part("changeFromBaseline").Dec());
        Assert.Equal(-34m, timepoints[1].Part("changeFromBaseline").Dec());
        // Nadir after the first scan is 34: 33 is 2.9% below it.
        Assert.Equal(-2.9m, timepoints[1].Part("changeFromNadir").Dec());
        Assert.Equal("PR", p.Out("bestOverallResponse").Text());
        Assert.Equal("2025-02-17", p.Out("firstResponseDate").Text());
        Assert.Null(p.Out("progressionDate"));
        Assert.Contains(timepoints[0].Parts("reason"), r => r.Text() == "overall PR: target PR");
        Assert.Contains(p.All("reason"), r => r.Value.Text().StartsWith("CR/PR 2025-02-17 confirmed by CR/PR 2025-03-31"));
        ApprovedFile.Verify("recist-response-probe-example-1", p);
    }

    [Fact]
    public async Task Probe_example_2_an_unequivocal_new_lesion_is_progression_whatever_the_targets_do()
    {
        var (subject, _) = await AddAsync(_trial, "pd", Sizes((-4, Mm(30, 20)), (42, Mm(15, 10))), newLesionDay: 42);

        var p = await new RecistOperations(_trial).GetRecistAsync(subject);

        var timepoint = Assert.Single(p.All("timepoint"));
        Assert.Equal("PR", timepoint.Part("targetResponse").Text());
        Assert.Equal("PD", timepoint.Part("overallResponse").Text());
        Assert.Equal(true, ((FhirBoolean)timepoint.Part("newLesion")!).Value);
        Assert.Equal("PD", p.Out("bestOverallResponse").Text());
        Assert.Equal("2025-02-17", p.Out("progressionDate").Text());
        Assert.Null(p.Out("firstResponseDate"));
        ApprovedFile.Verify("recist-response-probe-example-2", p);
    }

    [Fact]
    public async Task Persisting_twice_stores_one_observation_per_time_point_and_one_best_response_with_their_evidence()
    {
        var (subject, patient) = await ConfirmedPartialResponseAsync();
        var operations = new RecistOperations(_trial);

        var first = await operations.PersistRecistAsync(subject);
        var afterFirst = await DerivedAsync(_trial, patient);
        var second = await operations.PersistRecistAsync(subject);
        var afterSecond = await DerivedAsync(_trial, patient);

        Assert.Equal(FhirSerializer.ToJson(first), FhirSerializer.ToJson(second));
        Assert.Equal(3, afterSecond.Count);
        Assert.Equal(afterFirst.Select(o => o.Id).Order(), afterSecond.Select(o => o.Id).Order());
        // Nothing changed, so nothing was written again.
        Assert.All(afterSecond, o => Assert.Equal("1", o.Meta!.VersionId));

        var timePoints = afterSecond.Where(o => o.Code!.Coding[0].Code == "timepoint-response").OrderBy(o => o.Effective!.ToString()).ToList();
        Assert.Equal(2, timePoints.Count);
        Assert.All(timePoints, o =>
        {
            Assert.Equal(RecistObservationWriter.TimePointProfile, Assert.Single(o.Meta!.Profile));
            Assert.Equal("PR", ((CodeableConcept)o.Value!).Coding[0].Code);
            Assert.Contains(((CodeableConcept)o.Value!).Coding, c => c.System == RecistObservationWriter.NcitSystem && c.Code == "C18058");
            Assert.Equal(2, o.DerivedFrom.Count);
            Assert.All(o.DerivedFrom, d => Assert.StartsWith("Observation/", d.Reference));
            Assert.Equal($"Patient/{patient}", o.Subject!.Reference);
        });
        Assert.Equal($"{subject}/2025-02-17", timePoints[0].Identifier[0].Value);

        var best = Assert.Single(afterSecond, o => o.Code!.Coding[0].Code == "best-overall-response");
        Assert.Equal($"{subject}/best", best.Identifier[0].Value);
        Assert.Equal("PR", ((CodeableConcept)best.Value!).Coding[0].Code);
        Assert.Equal(timePoints.Select(t => $"Observation/{t.Id}").Order(), best.DerivedFrom.Select(d => d.Reference).Order());
    }

    [Fact]
    public async Task Persisting_again_after_a_scan_is_withdrawn_updates_the_best_response_and_deletes_the_stale_time_point()
    {
        var (subject, patient) = await ConfirmedPartialResponseAsync();
        var operations = new RecistOperations(_trial);
        await operations.PersistRecistAsync(subject);

        // The day-84 scan is entered in error: the PR is no longer confirmed.
        var scans = await _trial.Records.SearchAsync<Observation>(default, ("subject", $"Patient/{patient}"), ("code", $"{TrialCodes.Loinc}|{TrialCodes.TumourSize}"), ("date", Day(84)));
        Assert.Equal(2, scans.Count);
        foreach (var scan in scans)
        {
            scan.Status = ObservationStatus.EnteredInError;
            await _trial.PutAsync(scan);
        }

        var p = await operations.PersistRecistAsync(subject);
        var derived = await DerivedAsync(_trial, patient);

        // One PR on day 42, confirmed by nothing, and 42 >= 35 days: stable disease at best.
        Assert.Equal("SD", p.Out("bestOverallResponse").Text());
        Assert.Equal(2, derived.Count);
        var best = Assert.Single(derived, o => o.Code!.Coding[0].Code == "best-overall-response");
        Assert.Equal("SD", ((CodeableConcept)best.Value!).Coding[0].Code);
        Assert.Equal("2", best.Meta!.VersionId);
        var timePoint = Assert.Single(derived, o => o.Code!.Coding[0].Code == "timepoint-response");
        Assert.Equal($"Observation/{timePoint.Id}", Assert.Single(best.DerivedFrom).Reference);
    }

    [Fact]
    public async Task Persisted_observations_conform_to_the_trial_profiles()
    {
        var (subject, patient) = await ConfirmedPartialResponseAsync();
        using var validation = new ProfileValidationService(TrialStore.Package);

        // The writer validates every Observation before storing it and refuses the lot with 422 if one does not conform.
        await new RecistOperations(_trial, new ProfileWriteValidator(validation)).PersistRecistAsync(subject);

        foreach (var observation in await DerivedAsync(_trial, patient))
        {
            var outcome = await validation.ValidateAsync(observation, null, default);
            Assert.DoesNotContain(outcome.Issue, i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal);
        }
    }

    [Fact]
    public async Task Persist_needs_POST()
    {
        var (subject, _) = await ConfirmedPartialResponseAsync();
        var operation = new RecistOperations(_trial).RecistResponse;

        var error = await Assert.ThrowsAsync<FhirException>(() =>
            operation.ExecuteAsync(TrialStore.Get("ResearchSubject", subject, ("persist", "true")), default));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.Status);
    }

    [Fact]
    public async Task Persist_may_come_in_a_Parameters_body()
    {
        var (subject, patient) = await ConfirmedPartialResponseAsync();
        var body = new Parameters();
        body.Add("persist", new FhirBoolean(true));

        await new RecistOperations(_trial).RecistResponse.ExecuteAsync(TrialStore.Post("ResearchSubject", subject, body), default);

        Assert.Equal(3, (await DerivedAsync(_trial, patient)).Count);
    }

    [Fact]
    public async Task Unknown_subject_is_404_and_an_untreated_one_422()
    {
        var (untreated, _) = await AddAsync(_trial, "untreated", Sizes((-4, Mm(30, 20))), treated: false);
        var operations = new RecistOperations(_trial);

        var unknown = await Assert.ThrowsAsync<FhirException>(() => operations.GetRecistAsync("nobody"));
        var notDosed = await Assert.ThrowsAsync<FhirException>(() => operations.GetRecistAsync(untreated));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, notDosed.Status);
    }

    [Fact]
    public async Task Sizes_in_cm_are_converted_and_a_size_with_dataAbsentReason_is_not_assessed()
    {
        var patient = await _trial.PutAsync(Patient("pat-units"));
        var subject = await _trial.PutAsync(Subject("rs-units", patient.Id!, "2025-01-03"));
        await _trial.PutAsync(Given(patient.Id!, "lenvatinib", Day(0), 12m, byReference: false));
        var t1 = await _trial.PutAsync(Lesion(patient.Id!, "units-T1", "target"));
        var t2 = await _trial.PutAsync(Lesion(patient.Id!, "units-T2", "target", node: true));
        await _trial.PutAsync(Size(patient.Id!, t1, Day(-4), 30m));
        var inCm = Size(patient.Id!, t2, Day(-4), 0m);
        inCm.Value = Ucum(2m, "cm");
        await _trial.PutAsync(inCm);
        await _trial.PutAsync(Size(patient.Id!, t1, Day(42), 20m));
        var absent = Size(patient.Id!, t2, Day(42), 0m);
        absent.Value = null;
        absent.DataAbsentReason = new CodeableConcept("http://terminology.hl7.org/CodeSystem/data-absent-reason", "not-performed");
        await _trial.PutAsync(absent);

        var p = await new RecistOperations(_trial).GetRecistAsync(subject.Id!);

        Assert.Equal(50m, p.Out("baselineSum").Dec());
        var timepoint = Assert.Single(p.All("timepoint"));
        Assert.Equal("NE", timepoint.Part("targetResponse").Text());
        Assert.Null(timepoint.Part("targetSum"));
        Assert.Null(timepoint.Part("changeFromBaseline"));
    }

    [Fact]
    public async Task Observations_sharing_an_encounter_are_one_time_point_dated_at_the_earliest()
    {
        var patient = await _trial.PutAsync(Patient("pat-enc"));
        var subject = await _trial.PutAsync(Subject("rs-enc", patient.Id!, "2025-01-03"));
        await _trial.PutAsync(Given(patient.Id!, "cadonilimab", Day(0), 700m));
        var t1 = await _trial.PutAsync(Lesion(patient.Id!, "enc-T1", "target"));
        var t2 = await _trial.PutAsync(Lesion(patient.Id!, "enc-T2", "target"));
        foreach (var scan in new[] { "scan-0", "scan-1" })
            await _trial.PutAsync(new Encounter { Id = scan, Status = Encounter.EncounterStatus.Finished, Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB"), Subject = new ResourceReference($"Patient/{patient.Id}") });
        await _trial.PutAsync(Size(patient.Id!, t1, Day(-4), 30m, encounter: "scan-0"));
        await _trial.PutAsync(Size(patient.Id!, t2, Day(-3), 20m, encounter: "scan-0"));
        await _trial.PutAsync(Size(patient.Id!, t1, Day(41), 20m, encounter: "scan-1"));
        await _trial.PutAsync(Size(patient.Id!, t2, Day(43), 14m, encounter: "scan-1"));

        var p = await new RecistOperations(_trial).GetRecistAsync(subject.Id!);

        Assert.Equal(50m, p.Out("baselineSum").Dec());
        var timepoint = Assert.Single(p.All("timepoint"));
        Assert.Equal(Day(41), timepoint.Part("date").Text());
        Assert.Equal(34m, timepoint.Part("targetSum").Dec());
        Assert.Equal("PR", timepoint.Part("overallResponse").Text());
    }

    [Fact]
    public async Task Lesions_are_recognised_without_meta_profile_and_a_node_by_its_extension()
    {
        // A node of 12 mm short axis that shrinks to 8 mm is normal: with the other target gone, a complete response.
        var (subject, patient) = await AddAsync(_trial, "node", Sizes((-4, Mm(20)), (42, Mm(0)), (84, Mm(0))));
        var node = await _trial.PutAsync(Lesion(patient, "node-N1", "target", node: true));
        await _trial.PutAsync(Size(patient, node, Day(-4), 12m));
        await _trial.PutAsync(Size(patient, node, Day(42), 8m));
        await _trial.PutAsync(Size(patient, node, Day(84), 8m));

        var p = await new RecistOperations(_trial).GetRecistAsync(subject);

        Assert.Equal(["CR", "CR"], p.All("timepoint").Select(t => t.Part("overallResponse").Text()));
        Assert.Equal("CR", p.Out("bestOverallResponse").Text());
    }

    [Fact]
    public async Task A_cutoff_ignores_later_scans_and_is_echoed_GET_or_POST()
    {
        var (subject, _) = await ConfirmedPartialResponseAsync();
        var operations = new RecistOperations(_trial);

        // On day 60 only the day-42 PR is known: unconfirmed, so the best response is SD (day 42 >= 35).
        var get = await operations.GetRecistAsync(subject, Day(60));
        var post = (Parameters)(await operations.RecistResponse.ExecuteAsync(
            TrialStore.Post("ResearchSubject", subject, new Parameters { { "cutoff", new Date(Day(60)) } }), default)).Resource!;

        foreach (var p in new[] { get, post })
        {
            Assert.Equal(Day(60), p.Out("cutoff").Text());
            Assert.Single(p.All("timepoint"));
            Assert.Equal("SD", p.Out("bestOverallResponse").Text());
        }

        var bad = await Assert.ThrowsAsync<FhirTrial.Fhir.Errors.FhirException>(() => operations.GetRecistAsync(subject, "2025-13-01"));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.Status);
    }

    [Fact]
    public async Task Before_the_first_dose_at_the_cutoff_there_is_nothing_to_evaluate()
    {
        var (subject, _) = await ConfirmedPartialResponseAsync();

        var e = await Assert.ThrowsAsync<FhirTrial.Fhir.Errors.FhirException>(() => new RecistOperations(_trial).GetRecistAsync(subject, Day(-1)));
        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, e.Status);
    }
}
