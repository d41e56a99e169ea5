using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;

namespace FhirTrial.Fhir.Validation;

/// <summary>
/// Lets one resolution at a time through to a resolver that is not thread-safe: SnapshotSource's single snapshot
/// generator fails ("Invalid snapshot generator state") when parallel validations ask it for schemas at once.
/// Sits under the CachedResolver, so only cache misses wait.
/// </summary>
internal sealed class SerializedResolver(IAsyncResourceResolver inner) : IAsyncResourceResolver
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    // A resolution that re-enters through this resolver already holds the lock and must not wait for itself.
    private readonly AsyncLocal<bool> _holding = new();

    public Task<ResolverResult> TryResolveByUriAsync(string uri) => SerializedAsync(() => inner.TryResolveByUriAsync(uri));

    public Task<ResolverResult> TryResolveByCanonicalUriAsync(string uri) =>
        SerializedAsync(() => inner.TryResolveByCanonicalUriAsync(uri));

    [Obsolete("Use TryResolveByUriAsync")]
    public async Task<Resource?> ResolveByUriAsync(string uri) => (await TryResolveByUriAsync(uri)).Value;

    [Obsolete("Use TryResolveByCanonicalUriAsync")]
    public async Task<Resource?> ResolveByCanonicalUriAsync(string uri) => (await TryResolveByCanonicalUriAsync(uri)).Value;

    private async Task<ResolverResult> SerializedAsync(Func<Task<ResolverResult>> resolve)
    {
        if (_holding.Value) return await resolve();
        await _lock.WaitAsync();
        try
        {
            _holding.Value = true;
            return await resolve();
        }
        finally
        {
            _holding.Value = false;
            _lock.Release();
        }
    }
}
