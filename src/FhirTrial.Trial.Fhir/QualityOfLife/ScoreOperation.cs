using FhirTrial.Fhir.Conformance;
using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Errors;
using FhirTrial.Trial.Fhir.Common;
using FhirTrial.Trial.QualityOfLife;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.QualityOfLife;

/// <summary>
/// <c>POST QuestionnaireResponse/$score</c> (the response as body, or a Parameters with a <c>resource</c> part) and
/// <c>GET|POST QuestionnaireResponse/{id}/$score</c>: EORTC QLQ-C30 / QLQ-H&amp;N35 scale scores.
/// <c>POST ...?persist=true</c> also stores each score as an Observation derived from the (stored) response.
/// </summary>
/// <remarks>
/// Scores are stored on request rather than by a hook on every QuestionnaireResponse write: a hook would put
/// trial scoring inside the FHIR engine's write transaction for every client, fail plain writes of responses that
/// cannot be scored, and hide a second write behind a create. As an explicit step it is visible, can be re-run, and
/// each score is a conditional update on its identifier (<c>{response id}-{scale}</c>), so re-running replaces the
/// scores instead of adding duplicates; a scale no longer scored has its old Observation removed.
/// </remarks>
public sealed class ScoreOperation(RecordReader records, ResourceService resources) : IFhirOperation
{
    public OperationInfo Info { get; } = new("score", TrialCodes.Canon + "/OperationDefinition/score", ["QuestionnaireResponse"]);

    public bool Accepts(string? type, string? id) => type == "QuestionnaireResponse";

    public async Task<OperationResult> ExecuteAsync(OperationRequest request, CancellationToken ct)
    {
        var persist = string.Equals(request.Value("persist"), "true", StringComparison.OrdinalIgnoreCase);
        if (persist && request.Method != "POST")
            throw FhirException.BadRequest("persist=true stores Observations; use POST.", "persist");

        var response = await ResponseAsync(request, ct);
        var answers = QuestionnaireResponseMapper.Map(response);
        var scores = QolScorer.Score(answers.Definition, answers.Answers);
        QuestionnaireResponseMapper.ThrowIfInvalid(scores, answers);

        var stored = persist ? await PersistAsync(request, response, answers.Definition, scores, ct) : null;
        return OperationResult.Ok(ScoreParametersMapper.ToParameters(answers.Definition, answers.Answers.Count, scores, stored));
    }

    private async Task<QuestionnaireResponse> ResponseAsync(OperationRequest request, CancellationToken ct)
    {
        if (request.Id is { } id)
            return await records.RequireAsync<QuestionnaireResponse>(id, ct);
        return request.Body switch
        {
            QuestionnaireResponse body => body,
            Parameters p when p.Parameter.FirstOrDefault(x => x.Name == "resource")?.Resource is QuestionnaireResponse inner => inner,
            _ => throw FhirException.BadRequest(
                "POST QuestionnaireResponse/$score takes a QuestionnaireResponse, or a Parameters with a 'resource' part holding one."),
        };
    }

    private async Task<IReadOnlyList<string>> PersistAsync(
        OperationRequest request, QuestionnaireResponse response, QuestionnaireDefinition definition, QolScores scores, CancellationToken ct)
    {
        if (response.Status is not (QuestionnaireResponse.QuestionnaireResponseStatus.Completed or QuestionnaireResponse.QuestionnaireResponseStatus.Amended))
            throw FhirException.Unprocessable("Only a completed (or amended) response has scores to store.", "QuestionnaireResponse.status");
        if (RecordReader.ReferenceKey(response.Subject?.Reference) is null)
            throw FhirException.Unprocessable("Scores are stored for a subject; the response has none.", "QuestionnaireResponse.subject");

        // A response posted in the body is stored first, so the scores can point at it with derivedFrom.
        if (request.Id is null)
        {
            var written = response.Id is { Length: > 0 } id
                ? await resources.UpdateAsync("QuestionnaireResponse", id, response, null, ct)
                : await resources.CreateAsync(response, null, ct);
            response.Id = written.Stored.Id;
        }

        var responseId = response.Id ?? throw new InvalidOperationException("A stored response has an id.");
        var stored = new List<string>();
        foreach (var score in scores.Scores)
        {
            var observation = ScoreObservationMapper.ToObservation(score, response, definition);
            var result = await resources.ConditionalUpdateAsync("Observation", ScoreObservationMapper.Criteria(responseId, score.Scale), observation, ct);
            stored.Add(result.Stored.Reference);
        }
        foreach (var scale in definition.Scales.Select(s => s.Name).Except(scores.Scores.Select(s => s.Scale)))
            await resources.ConditionalDeleteAsync("Observation", ScoreObservationMapper.Criteria(responseId, scale), ct);
        return stored;
    }
}
