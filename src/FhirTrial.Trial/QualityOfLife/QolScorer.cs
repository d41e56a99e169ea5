namespace FhirTrial.Trial.QualityOfLife;

/// <summary>A scored scale, 0..100.</summary>
public sealed record ScaleScore(string Scale, ScaleKind Kind, decimal Value, int ItemsAnswered);

/// <summary>An answer that cannot be scored: an unknown item or an answer outside the item's range.</summary>
public sealed record AnswerError(int Item, int Answer, string Message);

/// <summary>The scales that could be scored (in the definition's order) and the answers that were refused.</summary>
public sealed record QolScores(IReadOnlyList<ScaleScore> Scores, IReadOnlyList<AnswerError> Errors)
{
    /// <summary>The scale's score, or null when fewer than half its items were answered.</summary>
    public decimal? this[string scale] => Scores.FirstOrDefault(s => s.Scale == scale)?.Value;
}

/// <summary>EORTC scoring: linear transformation of each scale's raw score (mean of its answered items).</summary>
public static class QolScorer
{
    public static QolScores Score(QuestionnaireDefinition definition, IReadOnlyDictionary<int, int> answers)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(answers);

        var items = definition.Items.ToDictionary(i => i.Number);
        var errors = new List<AnswerError>();
        var valid = new Dictionary<int, int>();
        foreach (var (number, answer) in answers.OrderBy(a => a.Key))
        {
            if (!items.TryGetValue(number, out var item))
                errors.Add(new AnswerError(number, answer, $"{definition.Key} has no item {number}"));
            else if (answer < item.MinAnswer || answer > item.MaxAnswer)
                errors.Add(new AnswerError(number, answer,
                    $"item {number} answer {answer} is outside {item.MinAnswer}..{item.MaxAnswer}"));
            else
                valid[number] = answer;
        }

        var scores = new List<ScaleScore>();
        foreach (var scale in definition.Scales)
        {
            var answered = scale.Items.Where(valid.ContainsKey).Select(i => (decimal)valid[i]).ToArray();
            // Half-items rule: missing items take the mean of the answered ones, which the mean already does.
            if (answered.Length == 0 || answered.Length * 2 < scale.Items.Count)
                continue;
            scores.Add(new ScaleScore(scale.Name, scale.Kind, Transform(scale, answered.Average()), answered.Length));
        }
        return new QolScores(scores, errors);
    }

    /// <summary>The manual's linear transformation of a raw score (mean of the items, 1-based answers).</summary>
    public static decimal Transform(QolScale scale, decimal rawScore)
    {
        var fraction = (rawScore - 1m) / scale.Range;
        return scale.Kind == ScaleKind.Functional ? (1m - fraction) * 100m : fraction * 100m;
    }

    /// <summary>Renumbers answers printed after the QLQ-C30 (31..65) to the H&amp;N35 module's own numbering (1..35).</summary>
    public static IReadOnlyDictionary<int, int> FromCombinedNumbering(IReadOnlyDictionary<int, int> answers, int offset) =>
        answers.ToDictionary(a => a.Key - offset, a => a.Value);
}
