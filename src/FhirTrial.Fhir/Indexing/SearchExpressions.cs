namespace FhirTrial.Fhir.Indexing;

/// <summary>Reading the text of search parameter expressions.</summary>
internal static class SearchExpressions
{
    /// <summary>The top-level branches of a union (<c>A.x | (B.y as T)</c>), ignoring bars inside parentheses and strings.</summary>
    public static IEnumerable<string> SplitUnion(string expression)
    {
        int depth = 0, start = 0;
        bool quoted = false;
        for (int i = 0; i < expression.Length; i++)
        {
            var c = expression[i];
            if (c == '\'') quoted = !quoted;
            else if (quoted) continue;
            else if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (c == '|' && depth == 0)
            {
                yield return expression[start..i].Trim();
                start = i + 1;
            }
        }
        yield return expression[start..].Trim();
    }
}
