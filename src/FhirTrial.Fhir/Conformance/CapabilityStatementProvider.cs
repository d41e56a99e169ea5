using System.Collections.Concurrent;
using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Indexing;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Conformance;

/// <summary>Serves the CapabilityStatement, built once per base URL from the registry, the operations and the loaded profiles.</summary>
public sealed class CapabilityStatementProvider(SearchParameterRegistry registry, IEnumerable<IFhirOperation> operations, Validation.ProfileValidationService package,
    IEnumerable<ICapabilityAmendment>? amendments = null, WriteRules? rules = null)
{
    // The base URL comes from the request's Host header, which clients choose: cache a few, build the rest.
    private const int MaxCached = 16;
    private readonly ConcurrentDictionary<string, CapabilityStatement> _cache = new();

    public CapabilityStatement Get(string baseUrl)
        => _cache.TryGetValue(baseUrl, out var cached) ? cached
            : _cache.Count < MaxCached ? _cache.GetOrAdd(baseUrl, Build) : Build(baseUrl);

    private CapabilityStatement Build(string url)
    {
        var profiles = package.Package.Resources.OfType<StructureDefinition>()
            .Where(sd => sd.Type is not "Extension" && sd.Derivation == StructureDefinition.TypeDerivationRule.Constraint)
            .Where(sd => sd.Url is not null && sd.Type is not null)
            .ToDictionary(sd => sd.Url!, sd => sd.Type!);
        var builder = new CapabilityBuilder(registry, operations.Select(o => o.Info), profiles.Keys)
        {
            ProfileType = p => profiles.GetValueOrDefault(p),
            ReferentialIntegrity = (rules ?? WriteRules.Default).ReferentialIntegrity,
        };
        var version = typeof(CapabilityStatementProvider).Assembly.GetName().Version?.ToString() ?? "0.1.0";
        var statement = builder.Build(url, version);
        foreach (var amendment in amendments ?? []) amendment.Amend(statement, url);
        return statement;
    }
}

/// <summary>A part of the server outside the engine that changes what the CapabilityStatement says (security, for one).</summary>
public interface ICapabilityAmendment
{
    void Amend(CapabilityStatement statement, string baseUrl);
}
