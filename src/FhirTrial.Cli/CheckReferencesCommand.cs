using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Indexing;
using FhirTrial.Fhir.Storage;
using FhirTrial.Storage.Postgres;
using FhirTrial.Storage.Sqlite;
using Npgsql;
using Spectre.Console;

namespace FhirTrial.Cli;

/// <summary>
/// <c>fhirtrial check-references (--sqlite FILE | --connection CS) [--base URL] [--max N]</c>: reports the local references
/// already stored that do not resolve (written before referential integrity, with <c>Fhir:ReferentialIntegrity=false</c>,
/// or by a migration). Reads the store directly; exits 1 when any is found.
/// </summary>
public sealed class CheckReferencesCommand(IAnsiConsole console)
{
    /// <summary>How many dangling references are listed; all are counted.</summary>
    public int Max { get; init; } = 200;

    /// <summary>The server's own base URLs: absolute references to them are local.</summary>
    public IReadOnlyList<string> Bases { get; init; } = [];

    public async Task<int> RunAsync(string? sqliteFile, string? connectionString, CancellationToken ct)
    {
        if ((sqliteFile is null) == (connectionString is null)) throw new UsageException("check-references needs --sqlite FILE or --connection \"Host=...\" (one of them).");
        if (sqliteFile is not null && !File.Exists(sqliteFile)) throw new UsageException($"{sqliteFile} does not exist.");
        foreach (var baseUrl in Bases) LocalBase.Register(baseUrl);
        IFhirStore store;
        try
        {
            store = sqliteFile is not null ? new SqliteFhirStore($"Data Source={sqliteFile}") : new PostgresFhirStore(connectionString!);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--connection is not a valid PostgreSQL connection string: {e.Message}");
        }
        try
        {
            var finder = new DanglingReferences(store);
            var table = new Table().AddColumns("Resource", "Element", "Reference");
            var found = 0;
            var sources = new HashSet<ResourceKey>();
            await foreach (var dangling in finder.FindAsync(ct))
            {
                if (++found <= Max) table.AddRow(Markup.Escape(dangling.Source.ToString()), Markup.Escape(dangling.Path), Markup.Escape(dangling.Target.ToString()));
                sources.Add(dangling.Source);
            }
            if (found > 0) console.Write(table);
            if (found > Max) console.MarkupLineInterpolated($"[grey]... {found - Max} more not listed (--max).[/]");
            if (found == 0) console.MarkupLineInterpolated($"[green]{finder.Checked} resource(s) checked: every local reference resolves.[/]");
            else console.MarkupLineInterpolated($"[red]{found} dangling reference(s)[/] in {sources.Count} of {finder.Checked} resource(s) checked.");
            return found == 0 ? ExitCodes.Ok : ExitCodes.DataErrors;
        }
        catch (NpgsqlException e) when (e.InnerException is System.Net.Sockets.SocketException or TimeoutException || e.IsTransient)
        {
            throw new ServerUnreachableException($"Cannot reach the database: {e.Message}", e);
        }
        finally
        {
            if (store is IAsyncDisposable disposable) await disposable.DisposeAsync();
        }
    }
}
