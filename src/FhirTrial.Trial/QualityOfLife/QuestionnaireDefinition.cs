namespace FhirTrial.Trial.QualityOfLife;

/// <summary>How a scale's raw score is turned into 0..100 (EORTC scoring manual).</summary>
public enum ScaleKind
{
    /// <summary>Higher is better: S = (1 - (RS - 1) / range) x 100.</summary>
    Functional,
    /// <summary>Higher is worse: S = (RS - 1) / range x 100; single items too.</summary>
    Symptom,
    /// <summary>Global health status: S = (RS - 1) / range x 100.</summary>
    Global,
}

/// <summary>An item and the answers it allows.</summary>
public sealed record QuestionnaireItem(int Number, int MinAnswer, int MaxAnswer)
{
    public int Range => MaxAnswer - MinAnswer;
}

/// <summary>A scale of the manual: its name, kind, items and range (difference between highest and lowest answer).</summary>
public sealed record QolScale(string Name, ScaleKind Kind, IReadOnlyList<int> Items, int Range);

/// <summary>A scored questionnaire: its items with their answer ranges and its scales, all as data.</summary>
/// <param name="Key">The Questionnaire id (<c>eortc-qlq-c30</c>).</param>
public sealed record QuestionnaireDefinition(string Key, IReadOnlyList<QuestionnaireItem> Items, IReadOnlyList<QolScale> Scales);

/// <summary>The EORTC questionnaires the trial scores, as published in the scoring manual (3rd edition).</summary>
public static class QuestionnaireDefinitions
{
    private static IReadOnlyList<int> Items(int from, int to) => Enumerable.Range(from, to - from + 1).ToArray();

    private static IEnumerable<QuestionnaireItem> ItemRange(int from, int to, int min, int max) =>
        Items(from, to).Select(n => new QuestionnaireItem(n, min, max));

    /// <summary>QLQ-C30 version 3.0: items 1..28 answer 1..4, items 29..30 answer 1..7.</summary>
    public static QuestionnaireDefinition QlqC30 { get; } = new(
        "eortc-qlq-c30",
        [.. ItemRange(1, 28, 1, 4), .. ItemRange(29, 30, 1, 7)],
        [
            new("QL2", ScaleKind.Global, [29, 30], 6),
            new("PF2", ScaleKind.Functional, Items(1, 5), 3),
            new("RF2", ScaleKind.Functional, [6, 7], 3),
            new("EF", ScaleKind.Functional, Items(21, 24), 3),
            new("CF", ScaleKind.Functional, [20, 25], 3),
            new("SF", ScaleKind.Functional, [26, 27], 3),
            new("FA", ScaleKind.Symptom, [10, 12, 18], 3),
            new("NV", ScaleKind.Symptom, [14, 15], 3),
            new("PA", ScaleKind.Symptom, [9, 19], 3),
            new("DY", ScaleKind.Symptom, [8], 3),
            new("SL", ScaleKind.Symptom, [11], 3),
            new("AP", ScaleKind.Symptom, [13], 3),
            new("CO", ScaleKind.Symptom, [16], 3),
            new("DI", ScaleKind.Symptom, [17], 3),
            new("FI", ScaleKind.Symptom, [28], 3),
        ]);

    /// <summary>
    /// QLQ-H&amp;N35 in the module's own numbering 1..35 (31..65 when printed after the QLQ-C30: subtract 30).
    /// Items 1..30 answer 1..4; items 31..35 are yes/no, 1..2. Every scale is a symptom scale.
    /// </summary>
    public static QuestionnaireDefinition QlqHn35 { get; } = new(
        "eortc-qlq-hn35",
        [.. ItemRange(1, 30, 1, 4), .. ItemRange(31, 35, 1, 2)],
        [
            new("HNPA", ScaleKind.Symptom, Items(1, 4), 3),
            new("HNSW", ScaleKind.Symptom, Items(5, 8), 3),
            new("HNSE", ScaleKind.Symptom, [13, 14], 3),
            new("HNSP", ScaleKind.Symptom, [16, 23, 24], 3),
            new("HNSO", ScaleKind.Symptom, Items(19, 22), 3),
            new("HNSC", ScaleKind.Symptom, [18, 25, 26, 27, 28], 3),
            new("HNSX", ScaleKind.Symptom, [29, 30], 3),
            new("HNTE", ScaleKind.Symptom, [9], 3),
            new("HNOM", ScaleKind.Symptom, [10], 3),
            new("HNDR", ScaleKind.Symptom, [11], 3),
            new("HNSS", ScaleKind.Symptom, [12], 3),
            new("HNCO", ScaleKind.Symptom, [15], 3),
            new("HNFI", ScaleKind.Symptom, [17], 3),
            new("HNPK", ScaleKind.Symptom, [31], 1),
            new("HNNU", ScaleKind.Symptom, [32], 1),
            new("HNFE", ScaleKind.Symptom, [33], 1),
            new("HNWL", ScaleKind.Symptom, [34], 1),
            new("HNWG", ScaleKind.Symptom, [35], 1),
        ]);

    public const int Hn35CombinedOffset = 30;

    public static IReadOnlyList<QuestionnaireDefinition> All { get; } = [QlqC30, QlqHn35];

    /// <summary>The definition for a Questionnaire id or canonical URL ending in it; null when not scored here.</summary>
    public static QuestionnaireDefinition? Find(string keyOrCanonical)
    {
        var key = keyOrCanonical.Split('|')[0].TrimEnd('/');
        key = key[(key.LastIndexOf('/') + 1)..];
        return All.FirstOrDefault(d => d.Key == key);
    }
}
