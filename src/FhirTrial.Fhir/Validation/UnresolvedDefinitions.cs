using System.Text.RegularExpressions;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Validation;

/// <summary>
/// What the validator says about definitions it cannot find, set to what the HL7 reference validator says, except
/// where failing closed protects the trial's data.
/// </summary>
public static partial class UnresolvedDefinitions
{
    private const string CoreProfiles = "http://hl7.org/fhir/StructureDefinition/";

    public static void Apply(OperationOutcome outcome, Resource resource, string? requestedProfile)
    {
        SoftenUnknownProfiles(outcome, resource, requestedProfile);
        HardenUnknownHl7Extensions(outcome, resource);
    }

    /// <summary>
    /// A profile named in <c>meta.profile</c> that neither the trial package nor the core specification defines cannot
    /// be checked; the reference validator warns that it was not checked, the Firely validator reports an error. Such a
    /// claim is turned into a warning here, except where an unknown profile is a certain mistake or failing closed
    /// protects the data: the trial's own canonical space, the core specification's, a profile the caller asked for,
    /// and any claim when the resource validated is of a trial data type (a claim on the trial's data that nobody
    /// checked is not accepted; a Bundle's entries are validated one by one when written).
    /// </summary>
    private static void SoftenUnknownProfiles(OperationOutcome outcome, Resource resource, string? requestedProfile)
    {
        if (TrialResourceTypes.Contains(resource.TypeName)) return;
        HashSet<string>? claimed = null;
        foreach (var issue in outcome.Issue.Where(i => i.Severity == OperationOutcome.IssueSeverity.Error))
        {
            if (Unresolved(issue, "profile") is not { } url) continue;
            claimed ??= ResourceWalk.Nodes(resource).Select(n => n.Node)
                .OfType<Meta>().SelectMany(m => m.Profile).OfType<string>().ToHashSet(StringComparer.Ordinal);
            if (!claimed.Contains(url) || url == requestedProfile || url.StartsWith(TrialPackage.Canon + "/", StringComparison.Ordinal)
                || url.StartsWith(CoreProfiles, StringComparison.Ordinal)) continue;
            issue.Severity = OperationOutcome.IssueSeverity.Warning;
            issue.Diagnostics = $"The profile '{url}' is unknown here, so the resource was not checked against it.";
        }
    }

    /// <summary>
    /// An extension the validator cannot find is a warning from the Firely validator. An extension for an element of
    /// another FHIR version (R4 versions.html#extensions,
    /// <c>http://hl7.org/fhir/[version]/StructureDefinition/extension-[path]</c>) is checked by the reference validator
    /// against that version's definition, which this server lacks. On the trial's data types such an extension is an
    /// error: what cannot be checked there is not accepted.
    /// </summary>
    private static void HardenUnknownHl7Extensions(OperationOutcome outcome, Resource resource)
    {
        if (!TrialResourceTypes.Contains(resource.TypeName)) return;
        foreach (var issue in outcome.Issue.Where(i => i.Severity == OperationOutcome.IssueSeverity.Warning))
        {
            if (Unresolved(issue, "extension") is not { } url || !OtherVersionsExtension().IsMatch(url)) continue;
            issue.Severity = OperationOutcome.IssueSeverity.Error;
            issue.Diagnostics = $"The extension '{url}' is for an element of another FHIR version, whose definition is not known here, so it cannot be checked on a {resource.TypeName}.";
        }
    }

    private static string? Unresolved(OperationOutcome.IssueComponent issue, string kind)
    {
        var match = UnresolvedPattern().Match(issue.Details?.Text ?? issue.Diagnostics ?? "");
        return match.Success && match.Groups["kind"].Value == kind ? match.Groups["url"].Value : null;
    }

    [GeneratedRegex(@"^http://hl7\.org/fhir/\d+\.\d+/StructureDefinition/extension-")]
    private static partial Regex OtherVersionsExtension();

    [GeneratedRegex(@"^Unable to resolve reference to (?<kind>profile|extension) '(?<url>[^']+)'")]
    private static partial Regex UnresolvedPattern();
}
