using FhirTrial.Fhir.Errors;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace FhirTrial.Fhir.Terminology;

/// <summary>
/// The server's one terminology service, used by the validator and by the terminology operations alike, over the
/// validator's own resolver (the trial package and the R4 core specification). Value set expansion and membership are
/// Firely's local service; code system look-ups and checks are answered here from the CodeSystem resources; UCUM
/// (a grammar, not a list) through Fhir.Metrics.
/// </summary>
public sealed class TerminologyService(IAsyncResourceResolver resolver) : ITerminologyService
{
    /// <summary>Most codes an expansion holds; larger value sets are refused as too costly.</summary>
    public const int MaxExpansion = 10_000;

    private readonly ITerminologyService _local = new LocalTerminologyService(resolver,
        new ValueSetExpanderSettings { MaxExpansionSize = MaxExpansion });

    public async Task<Parameters> ValueSetValidateCode(Parameters parameters, string? id = null, bool useGet = false)
    {
        var url = Text(parameters, "url");
        var (system, code, display) = CodeOf(parameters);
        if (system == UcumCodes.System && url is null or UcumCodes.AllUnits) return Ucum(code);
        return await _local.ValueSetValidateCode(parameters, id, useGet);
    }

    public async Task<Parameters> CodeSystemValidateCode(Parameters parameters, string? id = null, bool useGet = false)
    {
        var (system, code, display) = CodeOf(parameters);
        system = Text(parameters, "url") ?? system;
        if (system is null || code is null) throw FhirException.BadRequest("$validate-code needs url (the code system) and code, or a coding.");
        if (system == UcumCodes.System) return Ucum(code);
        if (await CodeSystemAsync(system) is not { } codeSystem) return Result(false, $"The code system {system} is not known to this server.");
        if (Find(codeSystem, code) is not { } concept) return Result(false, $"'{code}' is not a code of {system}.");
        var names = Names(concept).ToList();
        if (display is not null && !names.Contains(display, StringComparer.OrdinalIgnoreCase))
            return Result(false, $"'{display}' is not a display of {system}#{code} (expected '{concept.Display}').", concept.Display);
        return Result(true, null, concept.Display);
    }

    public async Task<Parameters> Lookup(Parameters parameters, bool useGet = false)
    {
        var (system, code, _) = CodeOf(parameters);
        if (system is null || code is null) throw FhirException.BadRequest("$lookup needs system and code, or a coding.");
        if (system == UcumCodes.System)
        {
            if (UcumCodes.Canonical(code) is not { } canonical) throw FhirException.NotFound($"'{code}' is not a UCUM unit.");
            var ucum = new Parameters { { "name", new FhirString("UCUM") }, { "display", new FhirString(code) } };
            ucum.Add("property", [Tuple.Create<string, Base>("code", new Code("canonical")), Tuple.Create<string, Base>("value", new FhirString(canonical))]);
            return ucum;
        }
        var codeSystem = await CodeSystemAsync(system) ?? throw FhirException.NotFound($"The code system {system} is not known to this server.");
        var concept = Find(codeSystem, code) ?? throw FhirException.NotFound($"'{code}' is not a code of {system}.");
        var result = new Parameters { { "name", new FhirString(codeSystem.Title ?? codeSystem.Name ?? system) } };
        if (codeSystem.Version is { } version) result.Add("version", new FhirString(version));
        if (concept.Display is { } text) result.Add("display", new FhirString(text));
        if (concept.Definition is { } definition) result.Add("definition", new FhirString(definition));
        foreach (var designation in concept.Designation)
        {
            var parts = new List<Tuple<string, Base>>();
            if (designation.Language is { } language) parts.Add(Tuple.Create<string, Base>("language", new Code(language)));
            if (designation.Use is { } use) parts.Add(Tuple.Create<string, Base>("use", use));
            parts.Add(Tuple.Create<string, Base>("value", new FhirString(designation.Value)));
            result.Add("designation", parts);
        }
        foreach (var property in concept.Property)
            result.Add("property", [Tuple.Create<string, Base>("code", new Code(property.Code)), Tuple.Create<string, Base>("value", property.Value)]);
        if (Parent(codeSystem.Concept, code, null) is { } parent)
            result.Add("property", [Tuple.Create<string, Base>("code", new Code("parent")), Tuple.Create<string, Base>("value", new Code(parent))]);
        foreach (var child in concept.Concept)
            result.Add("property", [Tuple.Create<string, Base>("code", new Code("child")), Tuple.Create<string, Base>("value", new Code(child.Code))]);
        return result;
    }

    public Task<Resource> Expand(Parameters parameters, string? id = null, bool useGet = false) => _local.Expand(parameters, id, useGet);

    public Task<Parameters> Translate(Parameters parameters, string? id = null, bool useGet = false) => _local.Translate(parameters, id, useGet);

    public Task<Parameters> Subsumes(Parameters parameters, string? id = null, bool useGet = false) => _local.Subsumes(parameters, id, useGet);

    public Task<Resource> Closure(Parameters parameters, bool useGet = false) => _local.Closure(parameters, useGet);

    /// <summary>The CodeSystem with this canonical URL (a <c>|version</c> suffix is ignored), when it holds its concepts.</summary>
    public async Task<CodeSystem?> CodeSystemAsync(string system)
        => (await resolver.TryResolveByCanonicalUriAsync(system.Split('|')[0])).Value as CodeSystem;

    public async Task<ValueSet?> ValueSetAsync(string url) => (await resolver.TryResolveByCanonicalUriAsync(url.Split('|')[0])).Value as ValueSet;

    private static Parameters Ucum(string? code)
        => UcumCodes.IsValid(code) ? Result(true, null, code) : Result(false, $"'{code}' is not a valid UCUM unit.");

    private static Parameters Result(bool result, string? message, string? display = null)
    {
        var parameters = new Parameters { { "result", new FhirBoolean(result) } };
        if (message is not null) parameters.Add("message", new FhirString(message));
        if (display is not null) parameters.Add("display", new FhirString(display));
        return parameters;
    }

    private static IEnumerable<string> Names(CodeSystem.ConceptDefinitionComponent concept)
        => new[] { concept.Display }.Concat(concept.Designation.Select(d => d.Value)).OfType<string>();

    private static CodeSystem.ConceptDefinitionComponent? Find(CodeSystem codeSystem, string code)
    {
        var comparison = codeSystem.CaseSensitive == false ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return Flatten(codeSystem.Concept).FirstOrDefault(c => string.Equals(c.Code, code, comparison));
    }

    private static IEnumerable<CodeSystem.ConceptDefinitionComponent> Flatten(IEnumerable<CodeSystem.ConceptDefinitionComponent> concepts)
        => concepts.SelectMany(c => new[] { c }.Concat(Flatten(c.Concept)));

    private static string? Parent(IEnumerable<CodeSystem.ConceptDefinitionComponent> concepts, string code, string? parent)
    {
        foreach (var concept in concepts)
        {
            if (concept.Code == code) return parent;
            if (Parent(concept.Concept, code, concept.Code) is { } found) return found;
        }
        return null;
    }

    private static string? Text(Parameters parameters, string name) => parameters.Parameter.FirstOrDefault(p => p.Name == name)?.Value?.ToString();

    /// <summary>The code asked about: <c>system</c>/<c>code</c>/<c>display</c>, or a <c>coding</c>.</summary>
    private static (string? System, string? Code, string? Display) CodeOf(Parameters parameters)
    {
        if (parameters.Parameter.FirstOrDefault(p => p.Name == "coding")?.Value is Coding coding)
            return (coding.System, coding.Code, coding.Display);
        return (Text(parameters, "system"), Text(parameters, "code"), Text(parameters, "display"));
    }
}
