using FhirTrial.Storage.Postgres;
using Npgsql;
using Spectre.Console;

namespace FhirTrial.Cli;

/// <summary><c>fhirtrial migrate --connection CS</c>: brings a PostgreSQL database to the newest schema (the server also does so on start).</summary>
public sealed class MigrateCommand(IAnsiConsole console)
{
    public async Task<int> RunAsync(string connectionString, CancellationToken ct)
    {
        try
        {
            var applied = await PostgresMigrator.MigrateAsync(connectionString, ct);
            console.MarkupLine(applied.Count == 0
                ? "[green]The schema is up to date.[/]"
                : $"[green]Applied migration(s) {string.Join(", ", applied)}.[/]");
            return ExitCodes.Ok;
        }
        catch (NpgsqlException e) when (e.InnerException is System.Net.Sockets.SocketException or TimeoutException || e.IsTransient)
        {
            throw new ServerUnreachableException($"Cannot reach the database: {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--connection is not a valid PostgreSQL connection string: {e.Message}");
        }
    }
}
