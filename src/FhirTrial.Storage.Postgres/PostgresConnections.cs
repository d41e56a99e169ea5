using Npgsql;

namespace FhirTrial.Storage.Postgres;

/// <summary>The data sources of one connection string: writes on the primary, searches preferring a standby.</summary>
public sealed class PostgresConnections : IAsyncDisposable
{
    private readonly NpgsqlDataSource? _root;

    /// <summary>Where writes, migrations and read-for-update go.</summary>
    public NpgsqlDataSource Write { get; }

    /// <summary>Where searches and plain reads go: a standby when the connection string lists one, else the primary.</summary>
    public NpgsqlDataSource Read { get; }

    /// <summary>"host:port" for error messages (the first host when several are listed).</summary>
    public string Endpoint { get; }

    public PostgresConnections(string connectionString)
    {
        var settings = WithDefaults(connectionString);
        Endpoint = EndpointOf(settings);
        if (settings.Host?.Contains(',') == true)
        {
            var multi = new NpgsqlDataSourceBuilder(settings.ConnectionString).BuildMultiHost();
            _root = multi;
            Write = multi.WithTargetSession(TargetSessionAttributes.Primary);
            Read = multi.WithTargetSession(TargetSessionAttributes.PreferStandby);
        }
        else
        {
            // One host: no standby to prefer, one pool serves both.
            settings.Remove("Target Session Attributes");
            Write = Read = new NpgsqlDataSourceBuilder(settings.ConnectionString).Build();
        }
    }

    /// <summary>The store's defaults where the connection string is silent: auto-prepared statements and no reset round trip.</summary>
    public static NpgsqlConnectionStringBuilder WithDefaults(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        bool Has(params string[] keys) => keys.Any(k => given.ContainsKey(k));
        if (!Has("Max Auto Prepare", "MaxAutoPrepare")) settings.MaxAutoPrepare = 200;
        if (!Has("Auto Prepare Min Usages", "AutoPrepareMinUsages")) settings.AutoPrepareMinUsages = 2;
        if (!Has("No Reset On Close", "NoResetOnClose")) settings.NoResetOnClose = true;
        if (!Has("Application Name", "ApplicationName")) settings.ApplicationName = "fhirtrial";
        // Search SQL is prepared, but must be planned with its values: a generic plan cannot tell a patient's 100 rows
        // from a code's 100,000 and was seen driving "subject=X&code=Y" from the code (360 ms instead of 1 ms).
        if (settings.Options?.Contains("plan_cache_mode", StringComparison.Ordinal) != true)
            settings.Options = $"{settings.Options} -c plan_cache_mode=force_custom_plan".Trim();
        return settings;
    }

    public static string EndpointOf(NpgsqlConnectionStringBuilder settings)
    {
        var host = (settings.Host ?? "localhost").Split(',')[0];
        return host.Contains(':') && !host.StartsWith('/') ? host : $"{host}:{settings.Port}";
    }

    /// <summary>Opens a connection; failure to connect becomes one clear message naming the server.</summary>
    /// <summary>Drops the idle pooled connections, which all died with the one that just failed.</summary>
    public void ClearPools()
    {
        Write.Clear();
        if (!ReferenceEquals(Read, Write)) Read.Clear();
    }

    public async Task<NpgsqlConnection> OpenAsync(NpgsqlDataSource source, CancellationToken ct)
    {
        try
        {
            return await source.OpenConnectionAsync(ct);
        }
        catch (Exception e) when ((e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException) && !ct.IsCancellationRequested)
        {
            throw Unreachable(Endpoint, e);
        }
    }

    internal static InvalidOperationException Unreachable(string endpoint, Exception e)
    {
        var reason = e.InnerException is { } inner && inner.Message != e.Message ? $"{e.Message} ({inner.Message})" : e.Message;
        return new InvalidOperationException($"cannot reach PostgreSQL at {endpoint}: {reason}", e);
    }

    public async ValueTask DisposeAsync()
    {
        if (_root is not null) await _root.DisposeAsync();
        await Write.DisposeAsync();
        if (!ReferenceEquals(Read, Write)) await Read.DisposeAsync();
    }
}
