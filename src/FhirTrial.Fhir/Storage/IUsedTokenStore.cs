namespace FhirTrial.Fhir.Storage;

/// <summary>
/// The ids (<c>jti</c>) of client assertions already spent at the token endpoint, kept in the database until the
/// assertion expires, so that a replay is refused after a restart and by every server node alike.
/// </summary>
public interface IUsedTokenStore
{
    /// <summary>
    /// Records <paramref name="jti"/> of <paramref name="clientId"/> as used until <paramref name="expiresAt"/>; true for
    /// the first use only, atomically (of concurrent uses exactly one wins). Entries expired at <paramref name="now"/> are
    /// purged first, so their ids may be used again.
    /// </summary>
    Task<bool> TryUseAsync(string clientId, string jti, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken ct);
}
