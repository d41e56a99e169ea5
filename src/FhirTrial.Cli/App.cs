using System.Reflection;
using FhirTrial.Cli.Import;
using FhirTrial.Fhir.Package;
using FhirTrial.Fhir.Validation;
using Spectre.Console;

namespace FhirTrial.Cli;

/// <summary>The <c>fhirtrial</c> command line: reads the command, runs it, and turns faults into exit codes and plain messages.</summary>
public static class App
{
    public const string Usage = """
        fhirtrial - FhirTrial command line

        Usage:
          fhirtrial import <folder|file> --server URL [--batch-size N] [--restart]
              Load Bundles (.json; transactions stay atomic) and .ndjson files (as batch Bundles of N, default 200).
              Resumable: .fhirtrial-import.json in the folder records what is done; --restart imports everything again.
          fhirtrial validate <files or folders...> [--profiles DIR] [--verbose]
              Validate resources, Bundles and .ndjson files offline against the base spec and the trial profiles.
              Each problem is printed with its FHIRPath location; --verbose adds the validator's ElementDefinition trace.
          fhirtrial export --server URL --out DIR [--group ID] [--type T1,T2] [--since INSTANT] [--keep-job]
              Bulk Data export (system level, or a Group: --group ak104-rcc-2l-eligibility is the study) into DIR.
          fhirtrial recist <bundle.json> [--subject ID|N] [--cutoff YYYY-MM-DD] [--json] [--profiles DIR]
              A subject's RECIST 1.1 responses ($recist-response) computed locally, without a server;
              data dated after the cut-off (default today) are ignored.
          fhirtrial datasets --server URL --study ID --out DIR [--cutoff YYYY-MM-DD] [--format csv|dataset-json|xpt]
              The study's CDISC SDTM and ADaM datasets ($analysis-datasets) with define.xml, unpacked into DIR.
          fhirtrial migrate --connection "Host=...;Database=...;Username=..."
              Bring a PostgreSQL database to the newest schema.
          fhirtrial check-references (--sqlite FILE | --connection "Host=...") [--base URL] [--max N]
              Report stored local references that resolve to no current resource (exit 1 when any).
              --base: the server's public base URL, so absolute references to it are checked too.

        --server is the FHIR base (http://127.0.0.1:8080/fhir); a bare http://host:port gets /fhir added.
        Exit codes: 0 ok, 1 data errors (invalid or refused resources), 2 usage, 3 server or database unreachable.
        """;

    public static async Task<int> Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        return await RunAsync(args, AnsiConsole.Console, http, cancel.Token);
    }

    /// <summary>Runs one command line; the console and HttpClient are passed in so tests can drive an in-process server.</summary>
    public static async Task<int> RunAsync(string[] args, IAnsiConsole console, HttpClient http, CancellationToken ct)
    {
        try
        {
            if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
            {
                console.WriteLine(Usage);
                return args.Length == 0 ? ExitCodes.Usage : ExitCodes.Ok;
            }
            if (args[0] is "--version")
            {
                console.WriteLine(typeof(App).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0");
                return ExitCodes.Ok;
            }
            return await RunCommandAsync(args[0], args[1..], console, http, ct);
        }
        catch (UsageException e)
        {
            console.MarkupLineInterpolated($"[red]{e.Message}[/]");
            console.MarkupLine("[grey]Run 'fhirtrial --help' for the commands and options.[/]");
            return ExitCodes.Usage;
        }
        catch (ServerUnreachableException e)
        {
            console.MarkupLineInterpolated($"[red]{e.Message}[/]");
            return ExitCodes.ServerUnreachable;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            console.MarkupLine("[yellow]Interrupted. An import can be resumed by running the same command again.[/]");
            return 130;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            console.MarkupLineInterpolated($"[red]{e.Message}[/]");
            return ExitCodes.DataErrors;
        }
    }

    private static async Task<int> RunCommandAsync(string command, string[] rest, IAnsiConsole console, HttpClient http, CancellationToken ct)
    {
        switch (command)
        {
            case "import":
            {
                var args = CommandArgs.Parse(rest, "restart");
                var server = new FhirServer(http, FhirServer.NormalizeBase(args.Required("server")));
                var import = new ImportCommand(server, console) { BatchSize = args.Int("batch-size", 200), Restart = args.Flag("restart") };
                args.RejectUnknown();
                return await import.RunAsync(Single(args, "a folder or file to import"), ct);
            }
            case "validate":
            {
                var args = CommandArgs.Parse(rest, "verbose");
                var profiles = args.Option("profiles") ?? ProjectFolders.Find("profiles");
                var verbose = args.Flag("verbose");
                args.RejectUnknown();
                if (args.Positional.Count == 0) throw new UsageException("validate needs at least one file.");
                if (profiles is null) throw new UsageException("The trial profiles were not found; pass --profiles DIR.");
                using var validator = new ProfileValidationService(profiles);
                return await new ValidateCommand(validator, console) { Verbose = verbose }.RunAsync(args.Positional, ct);
            }
            case "export":
            {
                var args = CommandArgs.Parse(rest, "keep-job");
                var server = new FhirServer(http, FhirServer.NormalizeBase(args.Required("server")));
                var export = new ExportCommand(server, console)
                {
                    GroupId = args.Option("group"), Types = args.Option("type"), Since = args.Option("since"), KeepJob = args.Flag("keep-job"),
                };
                var outFolder = args.Required("out");
                args.RejectUnknown();
                if (args.Positional.Count > 0) throw new UsageException($"export takes no arguments besides its options ('{args.Positional[0]}').");
                return await export.RunAsync(outFolder, ct);
            }
            case "recist":
            {
                var args = CommandArgs.Parse(rest, "json");
                var recist = new RecistCommand(console)
                {
                    Subject = args.Option("subject"), Json = args.Flag("json"), ProfilesFolder = args.Option("profiles"),
                    Cutoff = ParseDate(args.Option("cutoff"), "cutoff"),
                };
                args.RejectUnknown();
                return await recist.RunAsync(Single(args, "a Bundle file"), ct);
            }
            case "datasets":
            {
                var args = CommandArgs.Parse(rest);
                var server = new FhirServer(http, FhirServer.NormalizeBase(args.Required("server")));
                var datasets = new DatasetsCommand(server, console)
                {
                    StudyId = args.Required("study"), Cutoff = ParseDate(args.Option("cutoff"), "cutoff"), Format = args.Option("format"),
                };
                var outFolder = args.Required("out");
                args.RejectUnknown();
                if (args.Positional.Count > 0) throw new UsageException($"datasets takes no arguments besides its options ('{args.Positional[0]}').");
                return await datasets.RunAsync(outFolder, ct);
            }
            case "migrate":
            {
                var args = CommandArgs.Parse(rest);
                var connection = args.Required("connection");
                args.RejectUnknown();
                return await new MigrateCommand(console).RunAsync(connection, ct);
            }
            case "check-references":
            {
                var args = CommandArgs.Parse(rest);
                var check = new CheckReferencesCommand(console)
                {
                    Max = args.Int("max", 200), Bases = args.Option("base") is { } baseUrl ? [baseUrl] : [],
                };
                var sqlite = args.Option("sqlite");
                var connection = args.Option("connection");
                args.RejectUnknown();
                if (args.Positional.Count > 0) throw new UsageException($"check-references takes no arguments besides its options ('{args.Positional[0]}').");
                return await check.RunAsync(sqlite, connection, ct);
            }
            default:
                throw new UsageException($"'{command}' is not a fhirtrial command (import, validate, export, recist, datasets, migrate, check-references).");
        }
    }

    private static string Single(CommandArgs args, string what) => args.Positional switch
    {
        [var one] => one,
        [] => throw new UsageException($"Name {what}."),
        _ => throw new UsageException($"Name one {what}, not {args.Positional.Count}."),
    };

    private static DateOnly? ParseDate(string? text, string option) =>
        text is null ? null
        : DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date)
            ? date
            : throw new UsageException($"--{option} must be a date YYYY-MM-DD, not '{text}'.");
}
