using System.Text.RegularExpressions;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Indexing;

/// <summary>
/// A search expression that is only element paths and type filters (<c>Observation.code</c>,
/// <c>(Observation.value as Quantity)</c>, <c>value.as(Quantity)</c>, unions of those), read straight from the POCO.
/// Most core parameters have this shape, and the FHIRPath engine costs about ten times more for the same values, so
/// ingest is faster; anything else (functions, extensions, operators) gets null from <see cref="TryCompile"/> and
/// stays with FHIRPath.
/// </summary>
/// <remarks>
/// A type filter keeps each item of the collection that is of the type or a subtype: <c>(x as T)</c> is read as
/// <c>x.ofType(T)</c>, the meaning these R4 expressions have (R5 rewrote them so), rather than failing when a
/// repeating element such as <c>component.value</c> has several items.
/// </remarks>
internal sealed class ElementPath
{
    private static readonly Regex Identifier = new(@"^[A-Za-z][A-Za-z0-9_]*$", RegexOptions.Compiled);
    private static readonly Regex TypeFunction = new(@"^(?:as|ofType)\(([A-Za-z][A-Za-z0-9_]*)\)$", RegexOptions.Compiled);
    private static readonly Regex AsOperator = new(@"^\((?<path>[A-Za-z][A-Za-z0-9_.]*) as (?<type>[A-Za-z][A-Za-z0-9_]*)\)(?<rest>(?:\.[A-Za-z][A-Za-z0-9_]*)*)$", RegexOptions.Compiled);

    /// <summary>One step: a child element by name, or a filter on the item's type.</summary>
    private readonly record struct Step(string? Name, Type? Filter);

    private readonly Step[][] _branches;

    private ElementPath(Step[][] branches) => _branches = branches;

    /// <summary>The path for an expression evaluated on a <paramref name="type"/> (or, when relative, on any element).</summary>
    public static ElementPath? TryCompile(string type, string expression)
    {
        var branches = new List<Step[]>();
        foreach (var part in SearchExpressions.SplitUnion(expression))
        {
            var steps = CompileBranch(type, part);
            if (steps is null) return null;
            branches.Add(steps);
        }
        return branches.Count == 0 ? null : new ElementPath(branches.ToArray());
    }

    public void Evaluate(Base root, List<Base> into)
    {
        foreach (var steps in _branches) Walk(root, steps, 0, into);
    }

    private static void Walk(Base node, Step[] steps, int index, List<Base> into)
    {
        if (index == steps.Length)
        {
            into.Add(node);
            return;
        }
        var step = steps[index];
        if (step.Filter is { } filter)
        {
            if (filter.IsInstanceOfType(node)) Walk(node, steps, index + 1, into);
            return;
        }
        if (!node.TryGetValue(step.Name!, out var child)) return;
        if (child is Base single) Walk(single, steps, index + 1, into);
        else if (child is IEnumerable<Base> items)
            foreach (var item in items) Walk(item, steps, index + 1, into);
    }

    private static Step[]? CompileBranch(string type, string part)
    {
        var text = part.Trim();
        var steps = new List<Step>();
        if (AsOperator.Match(text) is { Success: true } cast)
        {
            if (!AddPath(type, cast.Groups["path"].Value, steps) || TypeStep(cast.Groups["type"].Value) is not { } filter) return null;
            steps.Add(filter);
            foreach (var name in cast.Groups["rest"].Value.Split('.', StringSplitOptions.RemoveEmptyEntries)) steps.Add(new Step(name, null));
            return steps.ToArray();
        }
        return AddPath(type, text, steps) ? steps.ToArray() : null;
    }

    /// <summary>Adds <c>Type.a.b</c> (rooted at the resource) or <c>a.as(T).b</c> (relative) as steps.</summary>
    private static bool AddPath(string type, string path, List<Step> steps)
    {
        var segments = path.Split('.');
        for (int i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (i == 0 && segment == type) continue; // the resource itself
            if (i == 0 && char.IsUpper(segment[0])) return false; // another type's root: FHIRPath decides
            if (TypeFunction.Match(segment) is { Success: true } function)
            {
                if (TypeStep(function.Groups[1].Value) is not { } filter) return false;
                steps.Add(filter);
            }
            else if (Identifier.IsMatch(segment)) steps.Add(new Step(segment, null));
            else return false;
        }
        return true;
    }

    /// <summary>A FHIR type name (<c>Quantity</c>, <c>dateTime</c>, <c>string</c>) as a filter; unknown names (System types) are not compiled.</summary>
    private static Step? TypeStep(string name)
        => ModelInfo.GetTypeForFhirType(name) is { } type && typeof(Base).IsAssignableFrom(type) ? new Step(null, type) : null;
}
