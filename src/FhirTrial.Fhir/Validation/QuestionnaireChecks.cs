using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Validation;

/// <summary>
/// Questionnaire rules the Firely validator leaves unchecked (FHIR R4 questionnaire.html, item.enableWhen):
/// <list type="bullet">
/// <item><c>enableWhen.question</c> is "the linkId for the question whose answer ... controls whether the item is
/// enabled": it must name an item of the questionnaire, not the item itself nor one of its own children (the reference
/// validator's rule; a later item is allowed, with a warning there).</item>
/// <item>que-12 "If there are more than one enableWhen, enableBehavior must be specified": the R4 expression says
/// <c>enableWhen.count() &gt; 2</c>, an error in the published R4 text (R4B and R5 say <c>&gt; 1</c>); the Firely
/// validator runs the expression, so exactly two conditions without enableBehavior are caught here.</item>
/// </list>
/// </summary>
public static class QuestionnaireChecks
{
    public static IEnumerable<OperationOutcome.IssueComponent> Check(Resource resource)
    {
        foreach (var (node, location) in ResourceWalk.Resources(resource))
        {
            if (node is not Questionnaire questionnaire) continue;
            var linkIds = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (item, _) in Items(questionnaire.Item, location))
                if (item.LinkId is { } id) linkIds.Add(id);
            foreach (var (item, at) in Items(questionnaire.Item, location))
                foreach (var issue in CheckItem(item, at, linkIds)) yield return issue;
        }
    }

    private static IEnumerable<OperationOutcome.IssueComponent> CheckItem(Questionnaire.ItemComponent item, string at, HashSet<string> linkIds)
    {
        if (item.EnableWhen.Count == 2 && item.EnableBehavior is null)
            yield return ResourceWalk.Error(at, "que-12: If there are more than one enableWhen, enableBehavior must be specified.",
                OperationOutcome.IssueType.Invariant);
        var own = new HashSet<string>(Items(item.Item, at).Select(x => x.Item.LinkId).OfType<string>(), StringComparer.Ordinal);
        for (var i = 0; i < item.EnableWhen.Count; i++)
        {
            var question = item.EnableWhen[i].Question;
            var where = $"{at}.enableWhen[{i}]";
            // a missing question is the validator's (enableWhen.question is 1..1)
            if (string.IsNullOrEmpty(question)) continue;
            if (question == item.LinkId)
                yield return ResourceWalk.Error(where, $"Item '{item.LinkId}' cannot be enabled by its own answer.", OperationOutcome.IssueType.BusinessRule);
            else if (own.Contains(question))
                yield return ResourceWalk.Error(where, $"Item '{item.LinkId}' cannot be enabled by its own child '{question}'.", OperationOutcome.IssueType.BusinessRule);
            else if (!linkIds.Contains(question))
                yield return ResourceWalk.Error(where, $"The enableWhen question '{question}' of item '{item.LinkId}' is not an item of this questionnaire.",
                    OperationOutcome.IssueType.BusinessRule);
        }
    }

    /// <summary>Every item at any depth, with its location.</summary>
    private static IEnumerable<(Questionnaire.ItemComponent Item, string Location)> Items(List<Questionnaire.ItemComponent> items, string parent)
    {
        for (var i = 0; i < items.Count; i++)
        {
            var at = $"{parent}.item[{i}]";
            yield return (items[i], at);
            foreach (var nested in Items(items[i].Item, at)) yield return nested;
        }
    }
}
