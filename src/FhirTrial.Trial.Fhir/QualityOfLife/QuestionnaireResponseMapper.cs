using System.Globalization;
using System.Text.RegularExpressions;
using FhirTrial.Fhir.Errors;
using FhirTrial.Trial.QualityOfLife;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.QualityOfLife;

/// <summary>A response ready to score: its questionnaire, answers by item number, and where each answer sits (for errors).</summary>
public sealed record QuestionnaireAnswers(
    QuestionnaireDefinition Definition,
    IReadOnlyDictionary<int, int> Answers,
    IReadOnlyDictionary<int, string> Expressions);

/// <summary>
/// Reads an EORTC QuestionnaireResponse (FHIR -> domain): <c>questionnaire</c> = <c>CANON/Questionnaire/eortc-qlq-c30</c>
/// or <c>eortc-qlq-hn35</c> (a <c>|version</c> is ignored); linkIds <c>"1"</c>.. or <c>qlq-c30-q01</c>..; answers
/// <c>valueInteger</c> or <c>valueCoding</c> with the number as code. Faults are 422s naming the element.
/// </summary>
public static partial class QuestionnaireResponseMapper
{
    [GeneratedRegex(@"(\d+)$")]
    private static partial Regex TrailingNumber();

    public static QuestionnaireAnswers Map(QuestionnaireResponse response)
    {
        var definition = response.Questionnaire is { Length: > 0 } canonical ? QuestionnaireDefinitions.Find(canonical) : null;
        if (definition is null)
            throw FhirException.Unprocessable(
                $"'{response.Questionnaire}' is not a questionnaire this server scores (eortc-qlq-c30, eortc-qlq-hn35).",
                "QuestionnaireResponse.questionnaire");

        var answers = new Dictionary<int, int>();
        var expressions = new Dictionary<int, string>();
        foreach (var (item, path) in Flatten(response.Item, "QuestionnaireResponse"))
        {
            if (item.Answer.Count == 0) continue;
            var match = TrailingNumber().Match(item.LinkId ?? "");
            if (!match.Success || !int.TryParse(match.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                throw FhirException.Unprocessable($"Item '{item.LinkId}' is not an item of {definition.Key}.", path + ".linkId");
            if (item.Answer.Count > 1)
                throw FhirException.Unprocessable($"Item '{item.LinkId}' has {item.Answer.Count} answers; it takes one.", path + ".answer[1]");
            var answerPath = path + ".answer[0]";
            var value = AnswerNumber(item.Answer[0].Value)
                ?? throw FhirException.Unprocessable(
                    $"Item '{item.LinkId}' must be answered with valueInteger or a valueCoding whose code is the number.", answerPath);
            if (!answers.TryAdd(number, value))
                throw FhirException.Unprocessable($"Item {number} is answered twice.", path);
            expressions[number] = answerPath;
        }

        // H&N35 printed after the QLQ-C30 is numbered 31..65; the module's own numbering is 1..35.
        if (definition == QuestionnaireDefinitions.QlqHn35 && answers.Keys.Any(n => n > definition.Items.Count))
        {
            var offset = QuestionnaireDefinitions.Hn35CombinedOffset;
            return new QuestionnaireAnswers(definition, QolScorer.FromCombinedNumbering(answers, offset),
                expressions.ToDictionary(e => e.Key - offset, e => e.Value));
        }
        return new QuestionnaireAnswers(definition, answers, expressions);
    }

    /// <summary>Refuses unknown items and out-of-range answers with one 422 listing each, at its element.</summary>
    public static void ThrowIfInvalid(QolScores scores, QuestionnaireAnswers answers)
    {
        if (scores.Errors.Count == 0) return;
        var outcome = new OperationOutcome();
        foreach (var error in scores.Errors)
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Error,
                Code = OperationOutcome.IssueType.Value,
                Diagnostics = error.Message,
                Expression = answers.Expressions.TryGetValue(error.Item, out var path) ? [path] : [],
            });
        throw new FhirException(System.Net.HttpStatusCode.UnprocessableEntity, outcome);
    }

    private static int? AnswerNumber(DataType? value) => value switch
    {
        Integer i => i.Value,
        Coding c when int.TryParse(c.Code, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
        FhirDecimal { Value: { } d } when decimal.Truncate(d) == d && d is >= int.MinValue and <= int.MaxValue => (int)d,
        _ => null,
    };

    private static IEnumerable<(QuestionnaireResponse.ItemComponent Item, string Path)> Flatten(
        IEnumerable<QuestionnaireResponse.ItemComponent> items, string parent)
    {
        var index = 0;
        foreach (var item in items)
        {
            var path = $"{parent}.item[{index++}]";
            yield return (item, path);
            foreach (var nested in Flatten(item.Item, path))
                yield return nested;
        }
    }
}
