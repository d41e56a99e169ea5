using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Trial.Fhir.Common;
using FhirTrial.Trial.Fhir.Recist;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace FhirTrial.Cli;

/// <summary>
/// <c>fhirtrial recist &lt;bundle.json&gt; [--subject ID|N] [--cutoff YYYY-MM-DD] [--json]</c>: the <c>$recist-response</c> of
/// one research subject at the data cut-off (default today), computed locally by the server's own engine and RECIST
/// operation over a temporary store; no server needed.
/// </summary>
public sealed class RecistCommand(IAnsiConsole console)
{
    public string? Subject { get; init; }
    /// <summary>The data cut-off; null = today, as on the server.</summary>
    public DateOnly? Cutoff { get; init; }
    public bool Json { get; init; }
    public string? ProfilesFolder { get; init; }
    public string? FixtureFolder { get; init; }

    public async Task<int> RunAsync(string bundleFile, CancellationToken ct)
    {
        if (!File.Exists(bundleFile)) throw new UsageException($"{bundleFile} does not exist.");
        await using var local = await LocalTrialStore.CreateAsync(ProfilesFolder, FixtureFolder, ct);
        IReadOnlyList<string> written;
        try
        {
            written = await local.LoadAsync(await File.ReadAllTextAsync(bundleFile, ct), ct);
        }
        catch (FhirException e)
        {
            console.MarkupLineInterpolated($"[red]{bundleFile} could not be loaded:[/] {e.Message}");
            return ExitCodes.DataErrors;
        }
        var subjects = written.Where(r => r.StartsWith("ResearchSubject/", StringComparison.Ordinal)).Select(r => r["ResearchSubject/".Length..]).ToList();
        var subjectId = Choose(subjects);
        if (subjectId is null) return ExitCodes.DataErrors;

        var handler = local.Services.GetRequiredService<RecistResponseHandler>();
        try
        {
            var cutoff = Cutoff ?? DateOnly.FromDateTime(DateTime.UtcNow);
            var (_, result) = await handler.EvaluateAsync(subjectId, cutoff, ct);
            if (result is null)
            {
                console.MarkupLineInterpolated($"[red]ResearchSubject/{subjectId} has no completed study-drug MedicationAdministration: RECIST counts from the first dose.[/]");
                return ExitCodes.DataErrors;
            }
            var parameters = RecistParametersMapper.ToParameters(result).Echo(cutoff);
            if (Json) console.Profile.Out.Writer.WriteLine(FhirSerializer.ToJson(parameters)); // raw: the console would wrap it
            else Render(subjectId, parameters, result.Reasons);
            return ExitCodes.Ok;
        }
        catch (FhirException e)
        {
            console.MarkupLineInterpolated($"[red]{e.Message}[/]");
            return ExitCodes.DataErrors;
        }
    }

    /// <summary>The subject named by <c>--subject</c>: an id, or a 1-based position among the Bundle's ResearchSubjects.</summary>
    private string? Choose(IReadOnlyList<string> subjects)
    {
        if (subjects.Count == 0)
        {
            console.MarkupLine("[red]The Bundle holds no ResearchSubject.[/]");
            return null;
        }
        if (Subject is null)
        {
            if (subjects.Count == 1) return subjects[0];
            throw new UsageException($"The Bundle holds {subjects.Count} ResearchSubjects ({string.Join(", ", subjects)}); name one with --subject ID or --subject N (1..{subjects.Count}).");
        }
        if (subjects.Contains(Subject)) return Subject;
        if (int.TryParse(Subject, out var n) && n >= 1 && n <= subjects.Count) return subjects[n - 1];
        throw new UsageException($"--subject {Subject} is neither a ResearchSubject id of the Bundle ({string.Join(", ", subjects)}) nor a position 1..{subjects.Count}.");
    }

    private void Render(string subjectId, Parameters parameters, IReadOnlyList<string> reasons)
    {
        string Value(IEnumerable<Parameters.ParameterComponent> parts, string name)
            => parts.FirstOrDefault(p => p.Name == name)?.Value switch
            {
                null => "",
                FhirDecimal d => d.Value?.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) ?? "",
                FhirBoolean b => b.Value == true ? "yes" : "no",
                var v => v.ToString() ?? "",
            };
        console.MarkupLineInterpolated($"[bold]ResearchSubject/{subjectId}[/]  baseline sum: {Value(parameters.Parameter, "baselineSum")} mm");
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("date", "target sum (mm)", "vs baseline %", "vs nadir %", "target", "non-target", "new lesion", "overall");
        foreach (var tp in parameters.Parameter.Where(p => p.Name == "timepoint"))
            table.AddRow(new[] { "date", "targetSum", "changeFromBaseline", "changeFromNadir", "targetResponse", "nonTargetResponse", "newLesion", "overallResponse" }
                .Select(n => Markup.Escape(Value(tp.Part, n))).ToArray());
        console.Write(table);
        console.MarkupLineInterpolated($"Best overall response: [bold]{Value(parameters.Parameter, "bestOverallResponse")}[/]");
        var first = Value(parameters.Parameter, "firstResponseDate");
        var progression = Value(parameters.Parameter, "progressionDate");
        if (first.Length > 0) console.MarkupLineInterpolated($"First response: {first}");
        if (progression.Length > 0) console.MarkupLineInterpolated($"Progression: {progression}");
        foreach (var reason in reasons) console.MarkupLineInterpolated($"[grey]- {reason}[/]");
    }
}
