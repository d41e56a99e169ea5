using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace FhirTrial.Storage.Tests.Postgres;

/// <summary>A private, throwaway PostgreSQL cluster: initdb into a temp folder, a free loopback port, removed afterwards.
/// Missing PostgreSQL binaries fail the tests with a clear message; they never skip.</summary>
public sealed class PostgresCluster : IAsyncLifetime
{
    private string? _folder;
    private string? _bin;
    private string? _data;
    private int _databases;

    public int Port { get; private set; }

    /// <summary>The cluster's temp folder (data, sockets, log); a standby made from it lives beside its data.</summary>
    public string Folder => _folder ?? throw new InvalidOperationException("The cluster is not started.");

    /// <summary>The server's bin folder (initdb, pg_ctl, pg_basebackup).</summary>
    public string Binaries => _bin ?? throw new InvalidOperationException("The cluster is not started.");

    /// <summary>Connection string to the cluster's maintenance database.</summary>
    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false;Timeout=30";

    public async Task InitializeAsync()
    {
        _bin = FindBinaries();
        _folder = Directory.CreateTempSubdirectory("fhirtrial-pg-").FullName;
        _data = Path.Combine(_folder, "data");
        var sockets = Path.Combine(_folder, "sock");
        Directory.CreateDirectory(sockets);
        var asRoot = Environment.UserName == "root";
        if (asRoot) await RunAsync("chown", ["-R", "postgres:postgres", _folder], asPostgres: false);

        await RunAsync(Path.Combine(_bin, "initdb"), ["-D", _data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], asRoot);
        Port = FreePort();
        var options = $"-p {Port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off " +
                      "-c full_page_writes=off -c max_connections=200 -c shared_buffers=256MB";
        await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", _data, "-o", options, "-l", Path.Combine(_folder, "server.log"), "-w", "-t", "60", "start"], asRoot);
    }

    /// <summary>A fresh database for one test class; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix.ToLowerInvariant()}_{Interlocked.Increment(ref _databases)}";
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return $"Host=127.0.0.1;Port={Port};Username=postgres;Database={name};Maximum Pool Size=60";
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/> (disk stays small when every test makes one).</summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        if (_bin is not null && _data is not null && Directory.Exists(_data))
        {
            try { await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", _data, "-m", "immediate", "-w", "stop"], Environment.UserName == "root"); }
            catch (InvalidOperationException) { /* not running; the folder goes anyway */ }
        }
        NpgsqlConnection.ClearAllPools();
        if (_folder is not null) try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    /// <summary>The newest installed server's bin folder (Debian: /usr/lib/postgresql/VERSION/bin).</summary>
    public static string FindBinaries()
    {
        var root = "/usr/lib/postgresql";
        var found = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => Path.Combine(d, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        return found ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin. The PostgreSQL store " +
            "tests start a private cluster and never skip: install Debian's server package (apt-get install -y postgresql), as .ci/run does.");
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static async Task RunAsync(string file, string[] args, bool asPostgres)
    {
        var info = new ProcessStartInfo(asPostgres ? "runuser" : file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = "/tmp",
        };
        if (asPostgres) foreach (var a in new[] { "-u", "postgres", "--", file }) info.ArgumentList.Add(a);
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr}{await stdout}");
    }
}

/// <summary>Every PostgreSQL test class shares one cluster; each class makes its own database.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresCluster>
{
    public const string Name = "PostgreSQL cluster";
}
