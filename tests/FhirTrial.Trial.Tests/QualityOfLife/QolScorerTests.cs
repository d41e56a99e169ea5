using FhirTrial.Trial.QualityOfLife;

namespace FhirTrial.Trial.Tests.QualityOfLife;

/// <summary>EORTC QLQ-C30 and QLQ-H&amp;N35 scoring per the scoring manual.</summary>
public class QolScorerTests
{
    private static readonly QuestionnaireDefinition C30 = QuestionnaireDefinitions.QlqC30;
    private static readonly QuestionnaireDefinition Hn35 = QuestionnaireDefinitions.QlqHn35;

    private static Dictionary<int, int> C30Answers(int items1To28, int items29And30) =>
        Enumerable.Range(1, 30).ToDictionary(i => i, i => i <= 28 ? items1To28 : items29And30);

    private static decimal Rounded(decimal? score) => Math.Round(score ?? throw new Xunit.Sdk.XunitException("scale not scored"), 2);

    [Theory]
    // scale  all best (1s, 7s)  all worst (4s, 1s)
    [InlineData("QL2", 100, 0)]
    [InlineData("PF2", 100, 0)]
    [InlineData("RF2", 100, 0)]
    [InlineData("EF", 100, 0)]
    [InlineData("CF", 100, 0)]
    [InlineData("SF", 100, 0)]
    [InlineData("FA", 0, 100)]
    [InlineData("NV", 0, 100)]
    [InlineData("PA", 0, 100)]
    [InlineData("DY", 0, 100)]
    [InlineData("SL", 0, 100)]
    [InlineData("AP", 0, 100)]
    [InlineData("CO", 0, 100)]
    [InlineData("DI", 0, 100)]
    [InlineData("FI", 0, 100)]
    public void C30_best_and_worst_answers(string scale, int best, int worst)
    {
        var bestScores = QolScorer.Score(C30, C30Answers(1, 7));
        var worstScores = QolScorer.Score(C30, C30Answers(4, 1));

        Assert.Equal(best, bestScores[scale]);
        Assert.Equal(worst, worstScores[scale]);
        Assert.Empty(bestScores.Errors);
        Assert.Equal(15, bestScores.Scores.Count);
    }

    [Theory]
    // Hand-worked: PF2 items 1..5 = 1,2,2,3,1 -> RS 1.8 -> (1 - 0.8/3) x 100 = 73.33
    //              QL2 items 29,30 = 5,6     -> RS 5.5 -> 4.5/6 x 100       = 75
    //              FA items 10,12,18 = 2,3,4 -> RS 3   -> 2/3 x 100         = 66.67
    //              NV items 14,15 = 1,2      -> RS 1.5 -> 0.5/3 x 100       = 16.67
    //              EF items 21..24 = 4,3,2,2 -> RS 2.75 -> (1 - 1.75/3) x 100 = 41.67
    //              DY item 8 = 3             -> 2/3 x 100                   = 66.67
    [InlineData("PF2", 73.33)]
    [InlineData("QL2", 75.00)]
    [InlineData("FA", 66.67)]
    [InlineData("NV", 16.67)]
    [InlineData("EF", 41.67)]
    [InlineData("DY", 66.67)]
    public void C30_hand_worked_mixed_answers(string scale, double expected)
    {
        var answers = new Dictionary<int, int>
        {
            [1] = 1, [2] = 2, [3] = 2, [4] = 3, [5] = 1,
            [8] = 3,
            [10] = 2, [12] = 3, [18] = 4,
            [14] = 1, [15] = 2,
            [21] = 4, [22] = 3, [23] = 2, [24] = 2,
            [29] = 5, [30] = 6,
        };

        Assert.Equal((decimal)expected, Rounded(QolScorer.Score(C30, answers)[scale]));
    }

    [Theory]
    // scale (items)              answered                 scored?
    [InlineData("PF2", new[] { 1, 2, 3 }, true)]        // 3 of 5
    [InlineData("PF2", new[] { 1, 2 }, false)]          // 2 of 5
    [InlineData("EF", new[] { 21, 22 }, true)]          // 2 of 4: exactly half
    [InlineData("EF", new[] { 21 }, false)]
    [InlineData("FA", new[] { 10, 12 }, true)]          // 2 of 3
    [InlineData("FA", new[] { 18 }, false)]             // 1 of 3
    [InlineData("QL2", new[] { 29 }, true)]             // 1 of 2
    [InlineData("QL2", new int[0], false)]
    [InlineData("DY", new[] { 8 }, true)]
    [InlineData("DY", new int[0], false)]
    public void Half_items_rule(string scale, int[] answered, bool scored)
    {
        var answers = answered.ToDictionary(i => i, i => 2);

        Assert.Equal(scored, QolScorer.Score(C30, answers)[scale] is not null);
    }

    [Fact]
    public void Missing_items_take_the_mean_of_the_answered_ones()
    {
        // PF2 with items 1..3 = 1, 2, 3: RS 2 as if items 4 and 5 were 2 -> (1 - 1/3) x 100
        var scores = QolScorer.Score(C30, new Dictionary<int, int> { [1] = 1, [2] = 2, [3] = 3 });

        Assert.Equal(66.67m, Rounded(scores["PF2"]));
        Assert.Equal(3, scores.Scores.Single(s => s.Scale == "PF2").ItemsAnswered);
    }

    [Theory]
    // item  answer   the item allows
    [InlineData(1, 0)]     // 1..4
    [InlineData(1, 5)]
    [InlineData(28, 7)]
    [InlineData(29, 8)]    // 1..7
    [InlineData(30, 0)]
    [InlineData(31, 1)]    // no such item
    public void Out_of_range_answers_are_errors_and_not_scored(int item, int answer)
    {
        var answers = C30Answers(2, 4);
        answers[item] = answer;

        var scores = QolScorer.Score(C30, answers);

        var error = Assert.Single(scores.Errors);
        Assert.Equal((item, answer), (error.Item, error.Answer));
        Assert.Contains($"{item}", error.Message);
    }

    [Fact]
    public void Items_29_and_30_accept_up_to_7()
    {
        var scores = QolScorer.Score(C30, new Dictionary<int, int> { [29] = 7, [30] = 1 });

        Assert.Empty(scores.Errors);
        Assert.Equal(50m, scores["QL2"]);
    }

    [Fact]
    public void Scale_ranges_agree_with_their_items()
    {
        foreach (var definition in QuestionnaireDefinitions.All)
        {
            var items = definition.Items.ToDictionary(i => i.Number);
            Assert.All(definition.Scales, scale =>
                Assert.All(scale.Items, item => Assert.Equal(scale.Range, items[item].Range)));
        }
    }

    [Fact]
    public void Every_item_is_in_exactly_one_scale()
    {
        Assert.Equal(Enumerable.Range(1, 30), C30.Scales.SelectMany(s => s.Items).Order());
        Assert.Equal(Enumerable.Range(1, 35), Hn35.Scales.SelectMany(s => s.Items).Order());
    }

    [Theory]
    // scale  items (module numbering)
    [InlineData("HNPA", new[] { 1, 2, 3, 4 })]
    [InlineData("HNSW", new[] { 5, 6, 7, 8 })]
    [InlineData("HNSE", new[] { 13, 14 })]
    [InlineData("HNSP", new[] { 16, 23, 24 })]
    [InlineData("HNSO", new[] { 19, 20, 21, 22 })]
    [InlineData("HNSC", new[] { 18, 25, 26, 27, 28 })]
    [InlineData("HNSX", new[] { 29, 30 })]
    [InlineData("HNTE", new[] { 9 })]
    [InlineData("HNOM", new[] { 10 })]
    [InlineData("HNDR", new[] { 11 })]
    [InlineData("HNSS", new[] { 12 })]
    [InlineData("HNCO", new[] { 15 })]
    [InlineData("HNFI", new[] { 17 })]
    [InlineData("HNPK", new[] { 31 })]
    [InlineData("HNNU", new[] { 32 })]
    [InlineData("HNFE", new[] { 33 })]
    [InlineData("HNWL", new[] { 34 })]
    [InlineData("HNWG", new[] { 35 })]
    public void Hn35_scales(string scale, int[] items)
    {
        var definition = Hn35.Scales.Single(s => s.Name == scale);

        Assert.Equal(items, definition.Items);
        Assert.Equal(ScaleKind.Symptom, definition.Kind);
    }

    [Fact]
    public void Hn35_best_and_worst_answers()
    {
        var none = Enumerable.Range(1, 35).ToDictionary(i => i, _ => 1);
        var worst = Enumerable.Range(1, 35).ToDictionary(i => i, i => i <= 30 ? 4 : 2);

        Assert.All(QolScorer.Score(Hn35, none).Scores, s => Assert.Equal(0m, s.Value));
        Assert.All(QolScorer.Score(Hn35, worst).Scores, s => Assert.Equal(100m, s.Value));
        Assert.Equal(18, QolScorer.Score(Hn35, worst).Scores.Count);
    }

    [Theory]
    // HNSW items 5..8 = 1,2,2,3 -> RS 2 -> 33.33;  HNPK yes (2) -> 100;  HNWG no (1) -> 0;  HNSP 16,23 = 2,3 (24 missing) -> RS 2.5 -> 50
    [InlineData("HNSW", 33.33)]
    [InlineData("HNPK", 100.00)]
    [InlineData("HNWG", 0.00)]
    [InlineData("HNSP", 50.00)]
    public void Hn35_hand_worked(string scale, double expected)
    {
        var answers = new Dictionary<int, int> { [5] = 1, [6] = 2, [7] = 2, [8] = 3, [31] = 2, [35] = 1, [16] = 2, [23] = 3 };

        Assert.Equal((decimal)expected, Rounded(QolScorer.Score(Hn35, answers)[scale]));
    }

    [Fact]
    public void Hn35_yes_no_items_refuse_3()
    {
        var scores = QolScorer.Score(Hn35, new Dictionary<int, int> { [33] = 3 });

        Assert.Equal(33, Assert.Single(scores.Errors).Item);
        Assert.Null(scores["HNFE"]);
    }

    [Fact]
    public void Hn35_answers_in_the_combined_numbering_are_renumbered()
    {
        var combined = new Dictionary<int, int> { [31] = 4, [32] = 4, [61] = 2 };

        var scores = QolScorer.Score(Hn35, QolScorer.FromCombinedNumbering(combined, QuestionnaireDefinitions.Hn35CombinedOffset));

        Assert.Equal(100m, scores["HNPA"]);
        Assert.Equal(100m, scores["HNPK"]);
    }

    [Theory]
    [InlineData("eortc-qlq-c30", "eortc-qlq-c30")]
    [InlineData("http://fhirtrial.example.org/fhir/Questionnaire/eortc-qlq-hn35", "eortc-qlq-hn35")]
    [InlineData("http://fhirtrial.example.org/fhir/Questionnaire/eortc-qlq-c30|3.0", "eortc-qlq-c30")]
    [InlineData("Questionnaire/phq-9", null)]
    public void Definitions_are_found_by_Questionnaire_id_or_canonical(string reference, string? key) =>
        Assert.Equal(key, QuestionnaireDefinitions.Find(reference)?.Key);
}
