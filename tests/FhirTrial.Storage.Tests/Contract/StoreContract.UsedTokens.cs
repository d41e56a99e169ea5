using FhirTrial.Fhir.Storage;

namespace FhirTrial.Storage.Tests.Contract;

/// <summary>The spent client-assertion ids behind /auth/token's replay check (IUsedTokenStore).</summary>
public abstract partial class StoreContract
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private IUsedTokenStore UsedTokens => Assert.IsAssignableFrom<IUsedTokenStore>(Store);

    [Fact]
    public async Task A_jti_is_used_once_per_client()
    {
        var until = Now.AddMinutes(5);
        Assert.True(await UsedTokens.TryUseAsync("renji-client", "jti-1", until, Now, None));
        Assert.False(await UsedTokens.TryUseAsync("renji-client", "jti-1", until, Now.AddSeconds(1), None));
        Assert.True(await UsedTokens.TryUseAsync("zhongshan-client", "jti-1", until, Now, None));
        Assert.True(await UsedTokens.TryUseAsync("renji-client", "jti-2", until, Now, None));
    }

    [Fact]
    public async Task Of_concurrent_uses_of_one_jti_exactly_one_succeeds()
    {
        var uses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(
            () => UsedTokens.TryUseAsync("renji-client", "raced", Now.AddMinutes(5), Now, None))));
        Assert.Single(uses, used => used);
    }

    [Fact]
    public async Task A_used_jti_is_kept_until_it_expires_then_purged()
    {
        Assert.True(await UsedTokens.TryUseAsync("renji-client", "old", Now.AddMinutes(5), Now, None));
        Assert.False(await UsedTokens.TryUseAsync("renji-client", "old", Now.AddMinutes(5), Now.AddMinutes(4.9), None));
        // Expired at this point, so purged: the id no longer blocks (the assertion itself would be refused as expired).
        Assert.True(await UsedTokens.TryUseAsync("renji-client", "old", Now.AddMinutes(11), Now.AddMinutes(6), None));
        Assert.False(await UsedTokens.TryUseAsync("renji-client", "old", Now.AddMinutes(11), Now.AddMinutes(7), None));
    }

    [Fact]
    public async Task Used_jtis_outlive_the_store_object()
    {
        Assert.True(await UsedTokens.TryUseAsync("renji-client", "durable", Now.AddMinutes(5), Now, None));
        var reopened = Reopen();
        try
        {
            Assert.False(await Assert.IsAssignableFrom<IUsedTokenStore>(reopened).TryUseAsync("renji-client", "durable", Now.AddMinutes(5), Now, None));
        }
        finally
        {
            if (reopened is IAsyncDisposable disposable) await disposable.DisposeAsync();
        }
    }
}
