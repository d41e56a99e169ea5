using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Validation;
using Hl7.Fhir.Model;
using Spectre.Console;

namespace FhirTrial.Cli;

/// <summary>
/// <c>fhirtrial validate &lt;files...&gt;</c>: validates JSON resources, Bundles and ndjson files offline against the base
/// specification and the trial package, as the server would on write. Exits 1 when any error is found.
/// </summary>
public sealed class ValidateCommand(ProfileValidationService validator, IAnsiConsole console)
{
    /// <summary>Also print the validator's ElementDefinition trace under each message.</summary>
    public bool Verbose { get; init; }

    public async Task<int> RunAsync(IReadOnlyList<string> paths, CancellationToken ct)
    {
        var files = paths.SelectMany(Expand).ToList();
        if (files.Count == 0) throw new UsageException("Name at least one .json or .ndjson file (or a folder of them).");
        int errors = 0, warnings = 0, resources = 0;
        console.MarkupLine("[grey]validator loading… (the base specification and the trial profiles)[/]");
        var warming = System.Diagnostics.Stopwatch.StartNew();
        await validator.WarmAsync();
        console.MarkupLineInterpolated($"[grey]validator ready in {warming.Elapsed.TotalSeconds:F1} s[/]");
        foreach (var file in files)
        {
            var fileErrors = 0;
            foreach (var (where, resource, parseError) in Read(file))
            {
                if (parseError is not null)
                {
                    fileErrors++;
                    console.MarkupLineInterpolated($"[red]error[/]   {file}{where}: {parseError}");
                    continue;
                }
                resources++;
                var outcome = await validator.ValidateAsync(resource!, null, ct);
                foreach (var issue in outcome.Issue.Where(i => i.Severity is not OperationOutcome.IssueSeverity.Information))
                {
                    var isError = issue.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal;
                    if (isError) fileErrors++; else warnings++;
                    var (message, trace) = IssueText.Of(issue);
                    var location = issue.Expression.FirstOrDefault() ?? issue.Location.FirstOrDefault();
                    var label = isError ? "[red]error[/]  " : "[yellow]warning[/]";
                    console.MarkupLine($"{label} {Markup.Escape($"{file}{where} {resource!.TypeName}/{resource.Id}")}" +
                        $"{(location is null ? "" : $" at [blue]{Markup.Escape(location)}[/]")}: {Markup.Escape(message)}");
                    if (Verbose && trace is not null) console.MarkupLineInterpolated($"[grey]        {trace}[/]");
                }
            }
            errors += fileErrors;
            if (fileErrors == 0) console.MarkupLineInterpolated($"[green]ok[/]      {file}");
        }
        var errorText = errors == 0 ? "[green]0 errors[/]" : $"[red]{errors} error(s)[/]";
        console.MarkupLine($"{files.Count} file(s), {resources} resource(s): {errorText}, {warnings} warning(s).");
        return errors == 0 ? ExitCodes.Ok : ExitCodes.DataErrors;
    }

    private static IEnumerable<string> Expand(string path)
    {
        if (Directory.Exists(path))
            return Directory.EnumerateFiles(path)
                .Where(f => (f.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase))
                            && !Path.GetFileName(f).StartsWith('.') && Path.GetFileName(f) != "package.json")
                .Order(StringComparer.Ordinal);
        if (File.Exists(path)) return [path];
        throw new UsageException($"{path} does not exist.");
    }

    /// <summary>The resources of a file: one per ndjson line, else the file's one resource (a Bundle is validated whole).</summary>
    private static IEnumerable<(string Where, Resource? Resource, string? Error)> Read(string file)
    {
        if (file.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase))
        {
            var number = 0;
            foreach (var line in File.ReadLines(file))
            {
                number++;
                if (string.IsNullOrWhiteSpace(line)) continue;
                yield return Parse($":{number}", line);
            }
        }
        else yield return Parse("", File.ReadAllText(file));
    }

    private static (string, Resource?, string?) Parse(string where, string json)
    {
        try
        {
            return (where, FhirSerializer.ParseJson(json), null);
        }
        catch (Exception e) when (e is Fhir.Errors.FhirException or FormatException or System.Text.Json.JsonException
                                      or Hl7.Fhir.Serialization.DeserializationFailedException)
        {
            return (where, null, $"not a valid FHIR resource: {e.Message}");
        }
    }
}
