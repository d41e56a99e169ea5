using System.Text.RegularExpressions;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Validation;

/// <summary>
/// The core rules on contained resources (R4 Reference ref-1, DomainResource dom-3), checked here instead of by the
/// Firely validator, which evaluates ref-1's FHIRPath as failed for every reference without a <c>reference</c>
/// (display or identifier only) and for <c>#</c>, a contained resource's reference to its container; both are
/// valid, and the HL7 reference validator accepts them. As that validator does, a link from the narrative
/// (<c>&lt;img src="#id"&gt;</c>) counts as a reference for dom-3 (R5 DomainResource: contained resources may be
/// referenced from the narrative), and an orphaned contained resource is a warning, not an error (the reference
/// validator accepts one: contained-resource-bad-id-ignore in ReferenceCases). For the same reason a contained
/// resource's id longer than 64 characters is a warning: its id is a name local to the container
/// (references.html#contained), and the reference validator accepts it; a resource's own id is still held to 64.
/// </summary>
public static partial class ContainedResourceRules
{
    /// <summary>The invariants these rules replace, excluded from the Firely validator's run.</summary>
    private static readonly HashSet<string> Replaces = ["ref-1", "dom-3"];

#pragma warning disable ExperimentalApi
    /// <summary>For <c>ValidationSettings.ExcludeFilters</c>: the Firely checks these rules replace.</summary>
    public static bool ReplacedByThese(Firely.Fhir.Validation.IAssertion assertion) =>
        assertion is Firely.Fhir.Validation.FhirPathValidator { Key: { } key } && Replaces.Contains(key);
#pragma warning restore ExperimentalApi

    /// <summary>Adds these rules' issues to the validator's <paramref name="outcome"/>, with its complaint about a
    /// long contained id turned into a warning.</summary>
    public static void Apply(OperationOutcome outcome, Resource resource)
    {
        foreach (var issue in outcome.Issue.Where(i => i.Severity == OperationOutcome.IssueSeverity.Error
            && i.Expression.Any(e => e is not null && ContainedId().IsMatch(e)) && LongIdMismatch().IsMatch(i.Details?.Text ?? i.Diagnostics ?? "")))
        {
            issue.Severity = OperationOutcome.IssueSeverity.Warning;
            issue.Diagnostics = "A contained resource's id is longer than 64 characters; accepted as a name local to its container.";
        }
        outcome.Issue.AddRange(Check(resource));
    }

    public static IEnumerable<OperationOutcome.IssueComponent> Check(Resource resource)
    {
        var issues = new List<OperationOutcome.IssueComponent>();
        Visit(resource, issues);
        return issues;
    }

    /// <summary>Every resource that may contain others: the root, Bundle entries, Parameters parts, not contained ones.</summary>
    private static void Visit(Resource resource, List<OperationOutcome.IssueComponent> issues)
    {
        foreach (var (found, path) in ResourceWalk.Resources(resource))
            if (found is DomainResource container && !ContainedLocation().IsMatch(path)) CheckContainer(container, path, issues);
    }

    private static void CheckContainer(DomainResource container, string path, List<OperationOutcome.IssueComponent> issues)
    {
        var containedIds = container.Contained.Select(c => c.Id).Where(id => id is not null).ToHashSet(StringComparer.Ordinal);
        var pointers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (element, here) in ResourceWalk.Nodes(container, path).Skip(1))
        {
            switch (element)
            {
                case ResourceReference { Reference: { } reference } when reference.StartsWith('#'):
                    pointers.Add(reference);
                    var insideContained = here.StartsWith($"{path}.contained[", StringComparison.Ordinal);
                    // ref-1: '#id' names a contained resource of the resource; '#' alone is a contained resource's
                    // reference to its container
                    if (reference == "#" ? !insideContained : !containedIds.Contains(reference[1..]))
                        issues.Add(ResourceWalk.Error(code: OperationOutcome.IssueType.Invariant, location: here, message: reference == "#"
                            ? "Only a contained resource may refer to its container with '#' (ref-1)."
                            : $"The local reference '{reference}' names no resource contained in this {container.TypeName} (ref-1)."));
                    break;
                case Canonical { Value: { } value } when value.StartsWith('#'):
                    pointers.Add(value);
                    break;
                case FhirUri { Value: { } value } when value.StartsWith('#'):
                    pointers.Add(value);
                    break;
                case FhirUrl { Value: { } value } when value.StartsWith('#'):
                    pointers.Add(value);
                    break;
                case XHtml { Value: { } xhtml }:
                    foreach (Match link in NarrativeLink().Matches(xhtml)) pointers.Add(link.Groups["target"].Value);
                    break;
            }
        }
        for (int index = 0; index < container.Contained.Count; index++)
        {
            var contained = container.Contained[index];
            var refersToContainer = ResourceWalk.Nodes(contained, "")
                .Any(x => x.Node is ResourceReference { Reference: "#" } || x.Node is Canonical { Value: "#" });
            if ((contained.Id is { } id && pointers.Contains("#" + id)) || refersToContainer) continue;
            var orphan = ResourceWalk.Error($"{path}.contained[{index}]",
                $"The contained {contained.TypeName} '{contained.Id}' is not referenced from elsewhere in the resource, nor does it refer to its container (dom-3).",
                OperationOutcome.IssueType.Invariant);
            orphan.Severity = OperationOutcome.IssueSeverity.Warning;
            issues.Add(orphan);
        }
    }

    [GeneratedRegex(@"\.contained\[\d+\]$")]
    private static partial Regex ContainedLocation();

    [GeneratedRegex(@"(^|\.)contained\[\d+\]\.id(\[0\])?$")]
    private static partial Regex ContainedId();

    /// <summary>The validator's complaint about an id of id characters that is only too long.</summary>
    [GeneratedRegex(@"^Value '[A-Za-z0-9\-\.]{65,}' does not match regex '\[A-Za-z0-9\\-\\.\]\{1,64\}'")]
    private static partial Regex LongIdMismatch();

    [GeneratedRegex("""(?:href|src)\s*=\s*["'](?<target>#[^"']+)["']""", RegexOptions.IgnoreCase)]
    private static partial Regex NarrativeLink();
}
