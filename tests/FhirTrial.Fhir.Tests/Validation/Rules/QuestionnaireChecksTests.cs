using FhirTrial.Fhir.Validation;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Tests.Validation.Rules;

/// <summary>Questionnaire.item.enableWhen names an item of the questionnaire (not itself, not its own child), and
/// two or more conditions need enableBehavior (que-12).</summary>
public sealed class QuestionnaireChecksTests
{
    private static Questionnaire.ItemComponent Item(string linkId, params string[] enabledBy) => new()
    {
        LinkId = linkId,
        Type = Questionnaire.QuestionnaireItemType.Integer,
        EnableWhen = enabledBy.Select(q => new Questionnaire.EnableWhenComponent
        {
            Question = q,
            Operator = Questionnaire.QuestionnaireItemOperator.Equal,
            Answer = new Integer(1),
        }).ToList(),
    };

    private static Questionnaire Form(params Questionnaire.ItemComponent[] items) => new()
    {
        Status = PublicationStatus.Active,
        Item = items.ToList(),
    };

    private static List<string> Errors(Questionnaire questionnaire) =>
        QuestionnaireChecks.Check(questionnaire).Select(i => $"{i.Expression.Single()}: {i.Diagnostics}").ToList();

    [Fact]
    public void An_item_enabled_by_an_earlier_or_later_item_passes() =>
        Assert.Empty(Errors(Form(Item("1"), Item("2", "1"), Item("3", "4"), Item("4"))));

    [Fact]
    public void An_enableWhen_on_a_missing_item_is_an_error()
    {
        var error = Assert.Single(Errors(Form(Item("1"), Item("2", "9"))));
        Assert.StartsWith("Questionnaire.item[1].enableWhen[0]:", error);
        Assert.Contains("'9'", error);
    }

    [Fact]
    public void An_item_cannot_be_enabled_by_itself_or_its_own_child()
    {
        var group = Item("g", "g.1");
        group.Type = Questionnaire.QuestionnaireItemType.Group;
        group.Item = [Item("g.1")];
        Assert.Single(Errors(Form(group)));
        Assert.Single(Errors(Form(Item("1", "1"))));
    }

    [Fact]
    public void Nested_items_are_found_at_any_depth()
    {
        var group = Item("g");
        group.Type = Questionnaire.QuestionnaireItemType.Group;
        group.Item = [Item("g.1"), Item("g.2", "g.1", "x")];
        group.Item[1].EnableBehavior = Questionnaire.EnableWhenBehavior.All;
        var error = Assert.Single(Errors(Form(group, Item("2", "g.2"))));
        Assert.StartsWith("Questionnaire.item[0].item[1].enableWhen[1]:", error);
    }

    [Fact]
    public void Two_conditions_without_enableBehavior_break_que_12()
    {
        var error = Assert.Single(Errors(Form(Item("1"), Item("2"), Item("3", "1", "2"))));
        Assert.StartsWith("Questionnaire.item[2]: que-12", error);
        var decided = Form(Item("1"), Item("2"), Item("3", "1", "2"));
        decided.Item[2].EnableBehavior = Questionnaire.EnableWhenBehavior.Any;
        Assert.Empty(Errors(decided));
    }

    [Fact]
    public void A_questionnaire_inside_a_bundle_is_checked_where_it_is()
    {
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Collection,
            Entry = [new Bundle.EntryComponent { Resource = new Parameters { Parameter = [new Parameters.ParameterComponent { Name = "q", Resource = Form(Item("1", "9")) }] } }],
        };
        var error = Assert.Single(QuestionnaireChecks.Check(bundle));
        Assert.Equal("Bundle.entry[0].resource[0].parameter[0].resource[0].item[0].enableWhen[0]", error.Expression.Single());
    }
}
