using FhirTrial.Fhir.Search;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Storage;

namespace FhirTrial.Fhir.Engine;

/// <summary>A stored local reference that does not resolve: the resource holding it, the element, and what it names.</summary>
public sealed record DanglingReference(ResourceKey Source, string Path, LocalReference Target);

/// <summary>
/// Finds the local references already stored that do not resolve to a current resource: data written before
/// referential integrity, with it turned off, or by a migration. The rule is the write rule (<see cref="LocalReferences"/>):
/// a reference resolves when its target is current and, for a versioned one, has reached that version.
/// </summary>
public sealed class DanglingReferences(IFhirStore store)
{
    public const int PageSize = 500;

    /// <summary>How many current resources were read.</summary>
    public int Checked { get; private set; }

    /// <summary>Every current resource but the audit records (<see cref="ResourceService.RecordTypes"/>), page by page,
    /// with the targets of each page looked up in batches.</summary>
    public async IAsyncEnumerable<DanglingReference> FindAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var query = new SearchQuery(null, [new TypeCriterion(ResourceService.RecordTypes, Exclude: true)], [], PageSize, 0, false);
        for (var offset = 0; ; offset += PageSize)
        {
            var page = await store.SearchAsync(query with { Offset = offset }, ct);
            var references = new List<(ResourceKey Source, string Path, LocalReference Target)>();
            foreach (var stored in page.Resources)
            {
                var resource = FhirSerializer.ParseJson(stored.Json);
                foreach (var (path, target) in LocalReferences.WithPaths(resource))
                    references.Add((new ResourceKey(stored.Type, stored.Id), path, target));
            }
            Checked += page.Resources.Count;
            var targets = references.Select(r => new ResourceKey(r.Target.Type, r.Target.Id)).ToHashSet();
            var current = (await store.ReadManyAsync(targets, ct)).ToDictionary(r => new ResourceKey(r.Type, r.Id), r => r.Version);
            foreach (var (source, path, target) in references)
                if (!target.ResolvesTo(current.TryGetValue(new ResourceKey(target.Type, target.Id), out var v) ? v : null))
                    yield return new DanglingReference(source, path, target);
            if (page.Resources.Count < PageSize) yield break;
        }
    }
}
