using System.Net;
using FhirTrial.Fhir.Errors;
using FhirTrial.Trial.Fhir.Common;
using FhirTrial.Trial.Fhir.QualityOfLife;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Tests;

/// <summary><c>$score</c>: EORTC scoring of QuestionnaireResponses, the half-items rule, refusals, and stored scores.</summary>
public sealed class ScoreOperationTests : IAsyncLifetime
{
    private const string C30 = "http://fhirtrial.example.org/fhir/Questionnaire/eortc-qlq-c30";
    private const string Hn35 = "http://fhirtrial.example.org/fhir/Questionnaire/eortc-qlq-hn35";
    private readonly TrialStore _trial = new();

    public Task InitializeAsync() => _trial.InitializeAsync();
    public Task DisposeAsync() => _trial.DisposeAsync();

    private ScoreOperation Operation => new(_trial.Records, _trial.Resources);

    private static QuestionnaireResponse Response(string questionnaire, IEnumerable<(string LinkId, DataType Answer)> answers, string? patient = "qp") => new()
    {
        Questionnaire = questionnaire,
        Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
        Subject = patient is null ? null : new ResourceReference($"Patient/{patient}"),
        Authored = "2025-02-01",
        Item = answers.Select(a => new QuestionnaireResponse.ItemComponent
        {
            LinkId = a.LinkId,
            Answer = [new QuestionnaireResponse.AnswerComponent { Value = a.Answer }],
        }).ToList(),
    };

    /// <summary>The best answer to every item: 1 (not at all) for 1..28, 7 (excellent) for 29 and 30.</summary>
    private static IEnumerable<(string, DataType)> BestC30(Func<int, string>? linkId = null) =>
        Enumerable.Range(1, 30).Select(n => ((linkId ?? (i => i.ToString()))(n), (DataType)new Integer(n >= 29 ? 7 : 1)));

    private async Task<Parameters> ScoreAsync(QuestionnaireResponse response, params (string, string)[] query) =>
        (Parameters)(await Operation.ExecuteAsync(TrialStore.Post("QuestionnaireResponse", null, response, query), default)).Resource!;

    [Fact]
    public async Task Best_answers_score_100_on_function_and_global_health_and_0_on_symptoms()
    {
        var scores = await ScoreAsync(Response(C30, BestC30()));

        Assert.Equal(100m, scores.Out("QL2").Dec());
        Assert.Equal(100m, scores.Out("PF2").Dec());
        Assert.Equal(0m, scores.Out("FA").Dec());
        Assert.Equal(15, scores.Parameter.Count(p => p.Value is FhirDecimal)); // plus the questionnaire and item count
        foreach (var functional in new[] { "RF2", "EF", "CF", "SF" }) Assert.Equal(100m, scores.Out(functional).Dec());
        foreach (var symptom in new[] { "NV", "PA", "DY", "SL", "AP", "CO", "DI", "FI" }) Assert.Equal(0m, scores.Out(symptom).Dec());
    }

    [Fact]
    public async Task Scores_follow_the_manuals_linear_transformation()
    {
        // PF2 items 1..5 answered 1,2,1,2,2: raw 1.6, (1 - 0.6/3) x 100 = 80.
        // FA items 10, 12, 18 answered 2,3,2: raw 7/3, (4/3)/3 x 100 = 44.4444. QL2 items 29, 30 answered 5, 6: raw 5.5, 4.5/6 x 100 = 75.
        var answers = BestC30().ToDictionary(a => a.Item1, a => a.Item2);
        foreach (var (item, value) in new[] { (2, 2), (4, 2), (5, 2), (10, 2), (12, 3), (18, 2), (29, 5), (30, 6) })
            answers[item.ToString()] = new Integer(value);

        var scores = await ScoreAsync(Response(C30, answers.Select(a => (a.Key, a.Value))));

        Assert.Equal(80m, scores.Out("PF2").Dec());
        Assert.Equal(44.4444m, scores.Out("FA").Dec());
        Assert.Equal(75m, scores.Out("QL2").Dec());
    }

    [Fact]
    public async Task Published_linkIds_and_coded_answers_are_read_alike()
    {
        var coded = BestC30(n => $"qlq-c30-q{n:00}")
            .Select(a => (a.Item1, (DataType)new Coding("http://example.org/eortc-answers", ((Integer)a.Item2).Value.ToString())));
        var scores = await ScoreAsync(Response(C30 + "|3.0", coded));
        Assert.Equal(100m, scores.Out("QL2").Dec());
        Assert.Equal(0m, scores.Out("FA").Dec());
    }

    [Fact]
    public async Task A_scale_with_fewer_than_half_its_items_answered_is_absent()
    {
        // PF2 has 5 items: 2 answered is too few, 3 is enough. QL2 has 2: one answer is half, enough.
        var twoOfFive = BestC30().Where(a => a.Item1 is not ("3" or "4" or "5" or "30"));
        var scores = await ScoreAsync(Response(C30, twoOfFive));
        Assert.Null(scores.Out("PF2"));
        Assert.Equal(100m, scores.Out("QL2").Dec());

        var threeOfFive = BestC30().Where(a => a.Item1 is not ("4" or "5"));
        Assert.Equal(100m, (await ScoreAsync(Response(C30, threeOfFive))).Out("PF2").Dec());
    }

    [Fact]
    public async Task An_answer_out_of_range_is_422_naming_the_item()
    {
        var answers = BestC30().Select(a => a.Item1 == "4" ? (a.Item1, (DataType)new Integer(5)) : a);

        var e = await Assert.ThrowsAsync<FhirException>(() => ScoreAsync(Response(C30, answers)));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, e.Status);
        var issue = Assert.Single(e.Outcome.Issue);
        Assert.Equal("QuestionnaireResponse.item[3].answer[0]", Assert.Single(issue.Expression));
        Assert.Contains("item 4", issue.Diagnostics);
    }

    [Fact]
    public async Task Global_health_allows_7_but_not_8()
    {
        var answers = BestC30().Select(a => a.Item1 == "29" ? (a.Item1, (DataType)new Integer(8)) : a);
        var e = await Assert.ThrowsAsync<FhirException>(() => ScoreAsync(Response(C30, answers)));
        Assert.Equal("QuestionnaireResponse.item[28].answer[0]", e.Outcome.Issue.Single().Expression.Single());
    }

    [Fact]
    public async Task An_unknown_questionnaire_is_422()
    {
        var e = await Assert.ThrowsAsync<FhirException>(() => ScoreAsync(Response("http://example.org/Questionnaire/phq-9", BestC30())));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, e.Status);
        Assert.Equal("QuestionnaireResponse.questionnaire", e.Outcome.Issue.Single().Expression.Single());
    }

    [Fact]
    public async Task Hn35_is_scored_in_its_own_and_in_the_combined_numbering()
    {
        // Pain items 1..4 answered 2: raw 2, 1/3 x 100 = 33.3333; yes/no items answered "no" (1) score 0.
        var own = Enumerable.Range(1, 35).Select(n => (n.ToString(), (DataType)new Integer(n <= 4 ? 2 : 1)));
        var scores = await ScoreAsync(Response(Hn35, own));
        Assert.Equal(33.3333m, scores.Out("HNPA").Dec());
        Assert.Equal(0m, scores.Out("HNWG").Dec());
        Assert.Equal(18, scores.Parameter.Count(p => p.Value is FhirDecimal));

        var combined = Enumerable.Range(31, 35).Select(n => (n.ToString(), (DataType)new Integer(n <= 34 ? 2 : 1)));
        Assert.Equal(33.3333m, (await ScoreAsync(Response(Hn35, combined))).Out("HNPA").Dec());
    }

    [Fact]
    public async Task A_Parameters_body_with_a_resource_part_and_a_stored_response_by_id_are_scored()
    {
        await _trial.PutAsync(Fhir.Patient("qp"));
        var parameters = new Parameters();
        parameters.Add("resource", Response(C30, BestC30()));
        var viaParameters = (Parameters)(await Operation.ExecuteAsync(TrialStore.Post("QuestionnaireResponse", null, parameters), default)).Resource!;
        Assert.Equal(100m, viaParameters.Out("QL2").Dec());

        var stored = await _trial.PutAsync(Response(C30, BestC30()));
        var byId = (Parameters)(await Operation.ExecuteAsync(TrialStore.Get("QuestionnaireResponse", stored.Id), default)).Resource!;
        Assert.Equal(0m, byId.Out("FA").Dec());
    }

    [Fact]
    public async Task Persisting_stores_one_Observation_per_scale_and_rerunning_replaces_them()
    {
        await _trial.PutAsync(Fhir.Patient("qp"));
        var response = await _trial.PutAsync(Response(C30, BestC30()));

        var request = new Hl7.Fhir.Model.Parameters();
        var first = (Parameters)(await Operation.ExecuteAsync(
            TrialStore.Post("QuestionnaireResponse", response.Id, request, ("persist", "true")), default)).Resource!;
        Assert.Equal(15, first.All("observation").Count());

        // The answers change (PF2 items now half answered... then fewer) and the scores are replaced, not added.
        var changed = Response(C30, BestC30().Where(a => a.Item1 is not ("1" or "2" or "3")));
        changed.Id = response.Id;
        await _trial.PutAsync(changed);
        await Operation.ExecuteAsync(TrialStore.Post("QuestionnaireResponse", response.Id, request, ("persist", "true")), default);

        var observations = await _trial.Records.SearchAsync<Observation>(default, ("derived-from", $"QuestionnaireResponse/{response.Id}"));
        Assert.Equal(14, observations.Count);                       // PF2 no longer scored: its Observation is gone
        var ql2 = observations.Single(o => o.Code.HasCoding(TrialCodes.EortcScaleSystem, "QL2"))!;
        Assert.Equal(100m, ((Hl7.Fhir.Model.Quantity)ql2.Value!).Value);
        Assert.Equal("Patient/qp", ql2.Subject!.Reference);
        Assert.Equal($"QuestionnaireResponse/{response.Id}", ql2.DerivedFrom.Single().Reference);
        Assert.Equal("2", ql2.Meta!.VersionId);
    }

    [Fact]
    public async Task Persisting_a_posted_response_stores_it_first_and_needs_a_subject()
    {
        await _trial.PutAsync(Fhir.Patient("qp"));
        var scores = await ScoreAsync(Response(C30, BestC30()), ("persist", "true"));
        var observation = (ResourceReference)scores.All("observation").First().Value!;
        var stored = await _trial.Records.ReadAsync<Observation>(observation.Reference!.Split('/')[1], default);
        var responseId = stored!.DerivedFrom.Single().Reference!.Split('/')[1];
        Assert.NotNull(await _trial.Records.ReadAsync<QuestionnaireResponse>(responseId, default));

        var e = await Assert.ThrowsAsync<FhirException>(() => ScoreAsync(Response(C30, BestC30(), patient: null), ("persist", "true")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, e.Status);
    }
}
