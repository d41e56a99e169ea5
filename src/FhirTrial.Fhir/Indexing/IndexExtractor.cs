using System.Collections.Concurrent;
using FhirTrial.Fhir.Search;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.FhirPath;

namespace FhirTrial.Fhir.Indexing;

/// <summary>Extracts the search index of a resource: each parameter's expression, compiled once, turned into typed rows.
/// Plain element paths are read from the POCO directly (<see cref="ElementPath"/>); the rest runs as FHIRPath.</summary>
/// <param name="registry">The parameters to index.</param>
/// <param name="elementPaths">False runs every expression as FHIRPath (the reference the element paths are tested against).</param>
/// <param name="derivedRows">True also extracts the rows of <see cref="DerivedParameters"/>, which stores never write.</param>
public sealed class IndexExtractor(SearchParameterRegistry registry, bool elementPaths = true, bool derivedRows = false)
{
    private static readonly FhirPathCompiler Compiler = new(FhirPathCompiler.DefaultSymbolTable.AddFhirExtensions());
    private readonly ConcurrentDictionary<(string Type, string Expression), Func<Base, List<Base>>> _evaluators = new();
    private readonly ConcurrentDictionary<string, (int Version, IndexPlan[] Plans)> _plans = new(StringComparer.Ordinal);

    /// <summary>A parameter a type indexes, with what it reads worked out once: the top-level elements (null: always run),
    /// the compiled expression, and whether it is narrowed from another parameter.</summary>
    private sealed record IndexPlan(SearchParamInfo Param, string[]? Roots, Func<Base, List<Base>> Evaluate, bool Narrowed);

    public SearchParameterRegistry Registry => registry;

    public IReadOnlyList<IndexEntry> Extract(Resource resource)
    {
        var type = resource.TypeName;
        var entries = new List<IndexEntry>();
        var present = resource.EnumerateElements().Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        var group = 0;
        foreach (var (param, roots, evaluate, narrowed) in PlansFor(type))
        {
            // Most parameters read an element the resource does not have: skip them before running FHIRPath.
            if (roots is not null && !ReadsAny(roots, present)) continue;
            var values = evaluate(resource);
            if (param.IsComposite)
            {
                foreach (var element in values)
                    if (ExtractComposite(type, param, element, ++group, entries) == false) group--;
                continue;
            }
            var first = entries.Count;
            foreach (var value in values)
                ValueConverter.Append(param.Name, 0, param.Type, value, param.TargetTypes, entries);
            // A narrowed reference (patient = subject.where(resolve() is Patient)) keeps only what its source cannot answer.
            if (narrowed)
                for (int n = entries.Count - 1; n >= first; n--)
                    if (!DerivedParameters.IsIdentifierRow(entries[n])) entries.RemoveAt(n);
        }
        return WithoutRepeats(entries);
    }

    /// <summary>The parameters <paramref name="type"/> indexes, worked out once per type (again if the registry changed).</summary>
    private IndexPlan[] PlansFor(string type)
    {
        if (_plans.TryGetValue(type, out var cached) && cached.Version == registry.Version) return cached.Plans;
        var version = registry.Version;
        var plans = registry.ForType(type)
            .Where(p => !string.IsNullOrEmpty(p.Expression) && (derivedRows || !DerivedParameters.IsDerived(type, p.Name)))
            .Select(p => new IndexPlan(p, TopLevelElements(type, p.Expression), Evaluator(type, p.Expression),
                !derivedRows && DerivedParameters.NarrowedFrom(type, p.Name) is not null))
            .ToArray();
        _plans[type] = (version, plans);
        return plans;
    }

    private static bool ReadsAny(string[] roots, HashSet<string> present)
    {
        foreach (var root in roots)
            if (present.Contains(root)) return true;
        return false;
    }

    /// <summary>
    /// A search matches a resource when any of its rows match, so a row equal to another of the same resource adds
    /// nothing. They are common: an AuditEvent of a 116-entry Bundle has 116 <c>entity-type</c> codings, all "2".
    /// </summary>
    private static List<IndexEntry> WithoutRepeats(List<IndexEntry> entries)
    {
        if (entries.Count < 2) return entries;
        var seen = new HashSet<IndexEntry>(entries.Count);
        entries.RemoveAll(e => !seen.Add(e));
        return entries;
    }

    /// <summary>Indexes one composite value; a composite missing any component cannot match a search and is not stored.</summary>
    private bool ExtractComposite(string type, SearchParamInfo param, Base element, int group, List<IndexEntry> entries)
    {
        var start = entries.Count;
        for (int i = 0; i < param.Components.Count; i++)
        {
            var component = param.Components[i];
            var definition = registry.FindByUrl(type, component.DefinitionUrl);
            var before = entries.Count;
            if (definition is not null)
                foreach (var v in Evaluate(type, component.Expression, element))
                    ValueConverter.Append($"{param.Name}${i}", group, definition.Type, v, definition.TargetTypes, entries);
            if (definition is null || entries.Count == before)
            {
                entries.RemoveRange(start, entries.Count - start);
                return false;
            }
        }
        return true;
    }

    /// <summary>The top-level elements an expression reads (<c>Observation.value.as(Quantity) | Observation.code</c> reads
    /// value and code), or null when that cannot be told from its text and it must always run.</summary>
    private static string[]? TopLevelElements(string type, string expression)
    {
        var roots = new List<string>();
        foreach (var part in expression.Split('|'))
        {
            var text = part.Trim().TrimStart('(').Trim();
            if (!text.StartsWith(type + ".", StringComparison.Ordinal)) return null;
            var rest = text[(type.Length + 1)..];
            var end = 0;
            while (end < rest.Length && char.IsLetterOrDigit(rest[end])) end++;
            if (end == 0) return null;
            roots.Add(rest[..end]);
        }
        return roots.ToArray();
    }

    private List<Base> Evaluate(string type, string expression, Base focus) => Evaluator(type, expression)(focus);

    private Func<Base, List<Base>> Evaluator(string type, string expression)
        => _evaluators.GetOrAdd((type, expression), key => Compile(key.Type, key.Expression));

    private Func<Base, List<Base>> Compile(string type, string expression)
    {
        if (elementPaths && ElementPath.TryCompile(type, expression) is { } path)
            return focus =>
            {
                var values = new List<Base>();
                path.Evaluate(focus, values);
                return values;
            };
        CompiledExpression? compiled;
        try { compiled = Compiler.Compile(expression); }
        catch (Exception) { compiled = null; } // an expression the engine cannot compile indexes nothing rather than failing writes
        if (compiled is null) return _ => [];
        return focus =>
        {
            try
            {
                return compiled([focus.ToPocoNode()], new FhirEvaluationContext()).Select(n => n.Poco).OfType<Base>().ToList();
            }
            catch (InvalidOperationException)
            {
                return [];
            }
            catch (InvalidCastException)
            {
                return [];
            }
        };
    }
}
