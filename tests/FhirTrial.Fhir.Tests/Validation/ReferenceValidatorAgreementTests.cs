using System.Text.Json;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Fhir.Validation;
using Hl7.Fhir.Model;
using Xunit.Abstractions;

namespace FhirTrial.Fhir.Tests.Validation;

/// <summary>
/// Half of the R4 cases of HL7's validator test suite (ReferenceCases/, Apache-2.0, see its README): does the server's
/// validation find errors exactly when the HL7 reference validator did? The agreement may not fall below what was
/// measured (bench/README.md), and a resource of one of the trial's own types that the reference rejects is never
/// accepted.
/// </summary>
[Collection(ValidationCollection.Name)]
public sealed class ReferenceValidatorAgreementTests(ValidatorFixture fixture, ITestOutputHelper output)
{
    /// <summary>Cases (of the manifest's 103) where this server and the reference validator agree, as measured
    /// (bench/README.md); raise it as gaps close.</summary>
    private const int MeasuredAgreement = 101;

    /// <summary>The resource types the trial's data is made of (CONTRACT sections 3 and 6), the questionnaires of the
    /// package and Bundle, the transport: what the reference validator rejects in these is never accepted here.</summary>
    private static readonly HashSet<string> TrialTypes =
    [
        "Patient", "ResearchSubject", "ResearchStudy", "Observation", "Condition", "MedicationStatement", "MedicationAdministration",
        "MedicationRequest", "Medication", "BodyStructure", "AdverseEvent", "QuestionnaireResponse", "Procedure", "Encounter",
        "Organization", "Group", "Questionnaire", "Bundle",
    ];

    /// <summary>Cases of a trial type the reference rejects that are still accepted, each waiting for a named change;
    /// the test fails when one of them agrees, so the list only shrinks. uk-msg: the reference rejects only SNOMED CT
    /// (UK edition) display names and codes, which need a SNOMED CT terminology service this server does not have (it
    /// was refused before only because Firely's ref-1 refused its identifier-only references).</summary>
    private static readonly HashSet<string> Pending = ["uk-msg"];

    private static readonly string Folder = Path.Combine(RepoPaths.Root, "tests", "FhirTrial.Fhir.Tests", "Validation", "ReferenceCases");

    private sealed record Case(string Name, string File, int ReferenceErrorCount);

    [Fact]
    public async Task Agreement_with_the_reference_validator_does_not_fall()
    {
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Folder, "manifest.json")));
        var cases = manifest.RootElement.GetProperty("cases").EnumerateArray()
            .Select(c => new Case(c.GetProperty("name").GetString()!, c.GetProperty("file").GetString()!, c.GetProperty("referenceErrorCount").GetInt32()))
            .ToList();
        var agreed = 0;
        var acceptedButRejected = new List<string>();
        var noLongerPending = new List<string>();
        foreach (var @case in cases)
        {
            var (type, errors) = await ValidateAsync(Path.Combine(Folder, @case.File));
            var rejects = @case.ReferenceErrorCount > 0;
            if ((errors.Count > 0) == rejects)
            {
                agreed++;
                if (Pending.Contains(@case.Name)) noLongerPending.Add(@case.Name);
            }
            else
            {
                output.WriteLine($"{@case.Name} ({type}): reference {(rejects ? "rejects" : "accepts")}, here {(errors.Count > 0 ? "rejected: " + string.Join(" | ", errors.Take(3)) : "accepted")}");
                if (rejects && type is not null && TrialTypes.Contains(type) && !Pending.Contains(@case.Name))
                    acceptedButRejected.Add($"{@case.Name} ({type})");
            }
        }
        output.WriteLine($"agreement: {agreed} of {cases.Count} ({100.0 * agreed / cases.Count:0.0}%)");
        Assert.True(agreed >= MeasuredAgreement, $"agreement fell to {agreed} of {cases.Count} (measured {MeasuredAgreement})");
        Assert.True(acceptedButRejected.Count == 0, "accepted what the reference validator rejects: " + string.Join(", ", acceptedButRejected));
        Assert.True(noLongerPending.Count == 0, "agrees now, remove from Pending: " + string.Join(", ", noLongerPending));
    }

    [Fact]
    public void Every_type_the_trial_package_profiles_or_holds_as_data_is_a_trial_type()
    {
        var package = TrialPackage.Load(RepoPaths.Profiles).Resources;
        var types = package.OfType<StructureDefinition>()
            .Where(sd => sd.Kind == StructureDefinition.StructureDefinitionKind.Resource)
            .Select(sd => sd.Type)
            .Concat(package.OfType<Questionnaire>().Select(q => q.TypeName))
            .ToHashSet();
        Assert.Contains("Questionnaire", types);
        Assert.Empty(types.Except(TrialTypes));
    }

    /// <summary>The case's type and its error issues; a file that does not parse is refused with an error, as the server refuses it.</summary>
    private async Task<(string? Type, IReadOnlyList<string> Errors)> ValidateAsync(string path)
    {
        var text = await File.ReadAllTextAsync(path);
        if (path.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase))
        {
            // every line is a resource of its own, as an import reads it: the file has errors when a line has
            (string? Type, IReadOnlyList<string> Errors) first = (null, []);
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var result = await ValidateTextAsync(line, xml: false);
                if (first.Type is null || (first.Errors.Count == 0 && result.Errors.Count > 0)) first = result;
            }
            return first;
        }
        return await ValidateTextAsync(text, path.EndsWith(".xml", StringComparison.OrdinalIgnoreCase));
    }

    private async Task<(string? Type, IReadOnlyList<string> Errors)> ValidateTextAsync(string text, bool xml)
    {
        Resource resource;
        try
        {
            resource = xml ? FhirSerializer.ParseXml(text) : FhirSerializer.ParseJson(text);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return (TypeOf(text), ["parse: " + e.Message]);
        }
        var outcome = await fixture.Service.ValidateAsync(resource, null, CancellationToken.None);
        return (resource.TypeName, outcome.Issue
            .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => $"{string.Join(",", i.Expression)}: {i.Diagnostics ?? i.Details?.Text}").ToList());
    }

    private static string? TypeOf(string text)
    {
        try { return JsonDocument.Parse(text).RootElement.GetProperty("resourceType").GetString(); }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException) { return null; }
    }
}
