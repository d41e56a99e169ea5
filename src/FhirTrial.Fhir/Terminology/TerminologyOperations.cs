using System.Globalization;
using FhirTrial.Fhir.Conformance;
using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Serialization;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;

namespace FhirTrial.Fhir.Terminology;

/// <summary>What the terminology operations share: their inputs as a typed <c>Parameters</c> (from the query string or
/// the body), the ValueSet an instance-level call names, and the terminology service's failures as OperationOutcomes.</summary>
public abstract class TerminologyOperation(TerminologyService terminology, ResourceService resources) : IFhirOperation
{
    protected TerminologyService Terminology => terminology;

    public abstract OperationInfo Info { get; }

    public bool Accepts(string? type, string? id) => type == Info.ResourceTypes[0];

    public async Task<OperationResult> ExecuteAsync(OperationRequest request, CancellationToken ct)
    {
        var input = Inputs(request);
        if (request.Id is not null)
        {
            // the instance named in the URL, read as the caller may read it
            var stored = await resources.ReadAsync(request.Type!, request.Id, ct);
            input.Parameter.RemoveAll(p => p.Name is "url" or "valueSet" or "codeSystem");
            if (FhirSerializer.ParseJson(stored.Json) is ValueSet valueSet) input.Parameter.Add(new Parameters.ParameterComponent { Name = "valueSet", Resource = valueSet });
            else if (FhirSerializer.ParseJson(stored.Json) is CodeSystem { Url: { } url }) input.Add("url", new FhirUri(url));
        }
        try
        {
            return OperationResult.Ok(await RunAsync(input));
        }
        catch (FhirOperationException e)
        {
            throw new FhirException(e.Status, e.Outcome ?? Outcomes.Single(OperationOutcome.IssueSeverity.Error, OperationOutcome.IssueType.NotFound, e.Message));
        }
        catch (NotImplementedException e)
        {
            throw FhirException.Of(System.Net.HttpStatusCode.UnprocessableEntity, OperationOutcome.IssueType.NotSupported, e.Message);
        }
    }

    protected abstract Task<Resource> RunAsync(Parameters input);

    /// <summary>The types FHIR gives these inputs; anything else is read as a string.</summary>
    private static readonly Dictionary<string, Func<string, DataType>> Types = new(StringComparer.Ordinal)
    {
        ["url"] = v => new FhirUri(v), ["system"] = v => new FhirUri(v), ["code"] = v => new Code(v),
        ["count"] = v => new Integer(ParseInt(v)), ["offset"] = v => new Integer(ParseInt(v)),
        ["activeOnly"] = v => new FhirBoolean(ParseBool(v)), ["includeDesignations"] = v => new FhirBoolean(ParseBool(v)),
        ["abstract"] = v => new FhirBoolean(ParseBool(v)),
    };

    private static Parameters Inputs(OperationRequest request)
    {
        var input = request.Body as Parameters is { } body ? (Parameters)body.DeepCopy() : new Parameters();
        foreach (var (name, value) in request.Query)
            if (!name.StartsWith('_')) input.Add(name, Types.TryGetValue(name, out var make) ? make(value) : new FhirString(value));
        return input;
    }

    private static int ParseInt(string value)
        => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
            : throw FhirException.BadRequest($"'{value}' is not a non-negative integer.");

    private static bool ParseBool(string value)
        => bool.TryParse(value, out var b) ? b : throw FhirException.BadRequest($"'{value}' is not true or false.");
}

/// <summary><c>ValueSet/$expand</c> and <c>ValueSet/[id]/$expand</c>: by <c>url</c>, id or a posted <c>valueSet</c>;
/// <c>filter</c> (any word of a code's display or the code itself starting with it), <c>offset</c> and <c>count</c> page
/// through the expansion.</summary>
public sealed class ExpandOperation(TerminologyService terminology, ResourceService resources) : TerminologyOperation(terminology, resources)
{
    public override OperationInfo Info { get; } = new("expand", "http://hl7.org/fhir/OperationDefinition/ValueSet-expand", ["ValueSet"]);

    protected override async Task<Resource> RunAsync(Parameters input)
    {
        var filter = Value(input, "filter");
        var offset = (input.Parameter.FirstOrDefault(p => p.Name == "offset")?.Value as Integer)?.Value ?? 0;
        var count = (input.Parameter.FirstOrDefault(p => p.Name == "count")?.Value as Integer)?.Value;
        if (input.Parameter.All(p => p.Name is not ("url" or "valueSet")))
            throw FhirException.BadRequest("$expand needs url (or a ValueSet id in the path, or a valueSet in the body).");
        // the whole expansion, then the page: Firely's expander neither filters nor pages
        var whole = new Parameters { Parameter = input.Parameter.Where(p => p.Name is "url" or "valueSet" or "valueSetVersion").ToList() };
        if (await Terminology.Expand(whole) is not ValueSet shared || shared.Expansion is null)
            throw FhirException.Unprocessable("The value set could not be expanded.");
        // the expander keeps its expansion on the cached ValueSet the validator uses too: page a copy
        var expanded = (ValueSet)shared.DeepCopy();
        var contains = Flatten(expanded.Expansion!.Contains).Where(c => Matches(c, filter)).ToList();
        expanded.Expansion.Total = contains.Count;
        expanded.Expansion.Offset = offset;
        expanded.Expansion.Contains = contains.Skip(offset).Take(count ?? int.MaxValue)
            .Select(c => new ValueSet.ContainsComponent { System = c.System, Version = c.Version, Code = c.Code, Display = c.Display, Abstract = c.Abstract, Inactive = c.Inactive, Designation = c.Designation })
            .ToList();
        if (filter is not null) expanded.Expansion.Parameter.Add(new ValueSet.ParameterComponent { Name = "filter", Value = new FhirString(filter) });
        if (count is not null) expanded.Expansion.Parameter.Add(new ValueSet.ParameterComponent { Name = "count", Value = new Integer(count) });
        if (offset > 0) expanded.Expansion.Parameter.Add(new ValueSet.ParameterComponent { Name = "offset", Value = new Integer(offset) });
        return expanded;
    }

    private static string? Value(Parameters input, string name) => input.Parameter.FirstOrDefault(p => p.Name == name)?.Value?.ToString();

    private static bool Matches(ValueSet.ContainsComponent concept, string? filter)
    {
        if (string.IsNullOrWhiteSpace(filter)) return true;
        if (concept.Code?.StartsWith(filter, StringComparison.OrdinalIgnoreCase) == true) return true;
        var words = (concept.Display ?? "").Split([' ', '-', '/', '(', ')', ','], StringSplitOptions.RemoveEmptyEntries);
        return filter.Split(' ', StringSplitOptions.RemoveEmptyEntries).All(part => words.Any(w => w.StartsWith(part, StringComparison.OrdinalIgnoreCase)));
    }

    private static IEnumerable<ValueSet.ContainsComponent> Flatten(IEnumerable<ValueSet.ContainsComponent> contains)
        => contains.SelectMany(c => (c.Code is null ? [] : new[] { c }).Concat(Flatten(c.Contains)));
}

/// <summary><c>CodeSystem/$lookup</c>: <c>system</c> and <c>code</c> (or a <c>coding</c>) to name, display, designations and properties.</summary>
public sealed class LookupOperation(TerminologyService terminology, ResourceService resources) : TerminologyOperation(terminology, resources)
{
    public override OperationInfo Info { get; } = new("lookup", "http://hl7.org/fhir/OperationDefinition/CodeSystem-lookup", ["CodeSystem"]);

    protected override async Task<Resource> RunAsync(Parameters input) => await Terminology.Lookup(input);
}

/// <summary><c>ValueSet/$validate-code</c> (<c>url</c> or id, and <c>system</c>/<c>code</c>, a <c>coding</c> or a
/// <c>codeableConcept</c>): whether the code is in the value set, with <c>result</c>, <c>message</c> and <c>display</c>.</summary>
public sealed class ValueSetValidateCodeOperation(TerminologyService terminology, ResourceService resources) : TerminologyOperation(terminology, resources)
{
    public override OperationInfo Info { get; } = new("validate-code", "http://hl7.org/fhir/OperationDefinition/ValueSet-validate-code", ["ValueSet"]);

    protected override async Task<Resource> RunAsync(Parameters input)
    {
        if (input.Parameter.All(p => p.Name is not ("url" or "valueSet")))
            throw FhirException.BadRequest("$validate-code needs url (or a ValueSet id in the path, or a valueSet in the body).");
        return await Terminology.ValueSetValidateCode(input);
    }
}

/// <summary><c>CodeSystem/$validate-code</c> (<c>url</c> or id, <c>code</c>, <c>display</c>, or a <c>coding</c>).</summary>
public sealed class CodeSystemValidateCodeOperation(TerminologyService terminology, ResourceService resources) : TerminologyOperation(terminology, resources)
{
    public override OperationInfo Info { get; } = new("validate-code", "http://hl7.org/fhir/OperationDefinition/CodeSystem-validate-code", ["CodeSystem"]);

    protected override async Task<Resource> RunAsync(Parameters input) => await Terminology.CodeSystemValidateCode(input);
}
