using System.Text.RegularExpressions;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Indexing;

/// <summary>
/// Search parameters whose rows would repeat rows other parameters already store, so they are searched through those
/// instead of being written again. R4's Observation has eleven of them: every lab result would otherwise store its code
/// four times and its value three times (<c>code</c>, <c>combo-code</c>, <c>code-value-quantity</c>,
/// <c>combo-code-value-quantity</c>, ...), about half of its index rows.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>combo-x</c> is <c>x | component-x</c> by definition.</item>
/// <item>A composite on the resource itself (<c>code-value-quantity</c>: <c>Observation</c> with <c>code</c> and
/// <c>value.as(Quantity)</c>) pairs two non-repeating elements of one Observation, so it matches exactly when the plain
/// <c>code</c> and <c>value-quantity</c> rows of the same resource match. Plain rows have group 0, and composite
/// groups are unique within a resource, so the compiler's join on group never pairs rows of different sources.</item>
/// </list>
/// A test checks on real data that each derived parameter's own rows equal the union of its sources' rows.
/// <c>code-value-string</c> is not derived: its component reads <c>value.as(string)</c> only, while <c>value-string</c>
/// also reads <c>CodeableConcept.text</c>.
/// </remarks>
public static class DerivedParameters
{
    private const string Observation = "Observation";

    /// <summary>Per derived parameter, per component (one for a plain parameter), the stored parameters it reads.</summary>
    private static readonly Dictionary<string, string[][]> Sources = new(StringComparer.Ordinal)
    {
        ["code-value-quantity"] = [["code"], ["value-quantity"]],
        ["code-value-concept"] = [["code"], ["value-concept"]],
        ["code-value-date"] = [["code"], ["value-date"]],
        ["combo-code"] = [["code", "component-code"]],
        ["combo-data-absent-reason"] = [["data-absent-reason", "component-data-absent-reason"]],
        ["combo-value-concept"] = [["value-concept", "component-value-concept"]],
        ["combo-value-quantity"] = [["value-quantity", "component-value-quantity"]],
        ["combo-code-value-quantity"] = [["code", "component-code-value-quantity$0"], ["value-quantity", "component-code-value-quantity$1"]],
        ["combo-code-value-concept"] = [["code", "component-code-value-concept$0"], ["value-concept", "component-code-value-concept$1"]],
    };

    /// <summary>Types of the components of the derived composites, for <c>:missing</c>.</summary>
    private static readonly Dictionary<string, SearchParamType[]> ComponentTypes = new(StringComparer.Ordinal)
    {
        ["code-value-quantity"] = [SearchParamType.Token, SearchParamType.Quantity],
        ["code-value-concept"] = [SearchParamType.Token, SearchParamType.Token],
        ["code-value-date"] = [SearchParamType.Token, SearchParamType.Date],
        ["combo-code-value-quantity"] = [SearchParamType.Token, SearchParamType.Quantity],
        ["combo-code-value-concept"] = [SearchParamType.Token, SearchParamType.Token],
    };

    /// <summary>True when the parameter's rows are not written (its sources' rows, or the resource row, answer it).</summary>
    public static bool IsDerived(string type, string name) => IsResourceColumn(name) || type == Observation && Sources.ContainsKey(name);

    /// <summary>A reference parameter that is another of the same type narrowed to one target type.</summary>
    public sealed record Narrowing(string Source, string TargetType);

    /// <summary>
    /// R4's <c>patient</c> is <c>subject.where(resolve() is Patient)</c> on some thirty types (on Provenance,
    /// <c>target.where(...)</c>). Its rows that point at something (a type and id, a URL) are the source's such rows whose
    /// target is a Patient or has no type, so only its identifier rows are written: an identifier row cannot tell the
    /// type of the reference it came from (<c>{reference: Group/1, identifier: x}</c> gives <c>subject</c> an identifier
    /// row and <c>patient</c> none). This saves one index row per Observation.
    /// </summary>
    public static Narrowing? NarrowedFrom(string type, string name) => Narrowed.GetValueOrDefault((type, name));

    /// <summary>True for an index row a narrowed parameter still writes (see <see cref="NarrowedFrom"/>).</summary>
    public static bool IsIdentifierRow(IndexEntry row) => row is ReferenceIndex { IdentifierSystem: not null } or ReferenceIndex { IdentifierValue: not null };

    /// <summary>The types on which <paramref name="name"/> is narrowed from another parameter (for searches across types).</summary>
    public static IReadOnlyList<(string Type, Narrowing Narrowing)> NarrowedOn(string name)
        => NarrowedByName.TryGetValue(name, out var list) ? list : [];

    // Declared before Narrowed: static fields initialise in order.
    private static readonly Regex WhereResolveIs = new(@"^(?<path>[A-Za-z]+(\.[A-Za-z]+)+)\.where\(resolve\(\) is (?<type>[A-Za-z]+)\)$");

    private static readonly Dictionary<(string Type, string Name), Narrowing> Narrowed = FindNarrowed();

    private static readonly Dictionary<string, List<(string Type, Narrowing Narrowing)>> NarrowedByName = Narrowed
        .GroupBy(n => n.Key.Name, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Select(n => (n.Key.Type, n.Value)).OrderBy(n => n.Type, StringComparer.Ordinal).ToList(), StringComparer.Ordinal);

    /// <summary>The spec's <c>patient</c> parameters whose expression is another reference parameter's followed by
    /// <c>.where(resolve() is Patient)</c>, where the other may point at a Patient.</summary>
    private static Dictionary<(string Type, string Name), Narrowing> FindNarrowed()
    {
        var own = new Dictionary<(string Type, string Name), (string Expression, IReadOnlyList<string> Targets)>();
        foreach (var def in ModelInfo.SearchParameters)
        {
            if (def is not { Type: SearchParamType.Reference, Resource: { } type, Name: { } name, Expression: { } expression }) continue;
            var parts = SearchExpressions.SplitUnion(expression).Where(p => p.StartsWith(type + ".", StringComparison.Ordinal)).ToList();
            if (parts.Count == 1) own[(type, name)] = (parts[0], def.Target?.Select(t => t.ToString()).ToList() ?? []);
        }
        var narrowed = new Dictionary<(string Type, string Name), Narrowing>();
        foreach (var ((type, name), (expression, _)) in own)
        {
            if (name != "patient" || WhereResolveIs.Match(expression) is not { Success: true } m) continue;
            var target = m.Groups["type"].Value;
            var source = own
                .Where(o => o.Key.Type == type && o.Value.Expression == m.Groups["path"].Value && (o.Value.Targets.Contains(target) || o.Value.Targets.Contains("Resource")))
                .Select(o => o.Key.Name).Order(StringComparer.Ordinal).FirstOrDefault();
            if (source is not null) narrowed[(type, name)] = new Narrowing(source, target);
        }
        return narrowed;
    }

    /// <summary><c>_id</c> and <c>_lastUpdated</c>, which every resource row already holds (<c>id</c>, <c>last_updated</c>):
    /// stores search those columns instead of writing two index rows per resource.</summary>
    public static bool IsResourceColumn(string name) => name is "_id" or "_lastUpdated";

    /// <summary>
    /// The stored index parameters that answer <paramref name="indexParam"/> (a parameter name, or a composite
    /// component's <c>name$i</c>) on <paramref name="type"/>, or on any type when the type is not known.
    /// </summary>
    public static IReadOnlyList<string> StoredNames(string? type, string indexParam)
    {
        if (type is not null && type != Observation) return [indexParam];
        var dollar = indexParam.LastIndexOf('$');
        var name = dollar < 0 ? indexParam : indexParam[..dollar];
        if (!Sources.TryGetValue(name, out var components)) return [indexParam];
        var component = dollar < 0 ? 0 : int.Parse(indexParam[(dollar + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        return component < components.Length ? components[component] : [indexParam];
    }

    /// <summary>The component types of a derived composite, or null when <paramref name="name"/> is not one.</summary>
    public static IReadOnlyList<SearchParamType>? CompositeComponents(string? type, string name)
        => (type is null || type == Observation) && ComponentTypes.TryGetValue(name, out var types) ? types : null;
}
