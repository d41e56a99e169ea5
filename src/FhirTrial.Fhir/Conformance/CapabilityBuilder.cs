using FhirTrial.Fhir.Indexing;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Conformance;

/// <summary>A named FHIR operation the server implements, as the CapabilityStatement lists it.</summary>
public sealed record OperationInfo(string Name, string Definition, IReadOnlyList<string> ResourceTypes, bool System = false);

/// <summary>Builds the CapabilityStatement from what is registered: resource types, their search parameters, operations, profiles.</summary>
public sealed class CapabilityBuilder(SearchParameterRegistry registry, IEnumerable<OperationInfo> operations, IEnumerable<string> profileUrls)
{
    private static readonly CapabilityStatement.TypeRestfulInteraction[] Interactions =
    [
        CapabilityStatement.TypeRestfulInteraction.Read, CapabilityStatement.TypeRestfulInteraction.Vread,
        CapabilityStatement.TypeRestfulInteraction.Update, CapabilityStatement.TypeRestfulInteraction.Patch,
        CapabilityStatement.TypeRestfulInteraction.Delete, CapabilityStatement.TypeRestfulInteraction.HistoryInstance,
        CapabilityStatement.TypeRestfulInteraction.HistoryType, CapabilityStatement.TypeRestfulInteraction.Create,
        CapabilityStatement.TypeRestfulInteraction.SearchType,
    ];

    /// <summary>Whether local references must resolve and referenced resources cannot be deleted (<c>Fhir:ReferentialIntegrity</c>).</summary>
    public bool ReferentialIntegrity { get; init; } = true;

    /// <summary>How the server treats references and deletes, as <c>rest.documentation</c> says it.</summary>
    public string ReferenceDocumentation => ReferentialIntegrity
        ? "References: every local reference (relative `Type/id`, absolute to this server's base, or versioned `Type/id/_history/n`) "
          + "in a create, update, patch or Bundle entry must resolve to a current resource, or to one the same transaction writes; "
          + "otherwise the write is refused with 422 and an OperationOutcome whose `expression` names the element (`Observation.subject`), "
          + "and nothing is written. References to other servers, contained (`#id`), logical (`urn:`) and identifier-only references "
          + "are not checked. Deletes: deleting a resource that current resources reference is refused with 409 and an OperationOutcome "
          + "naming (some of) them; `_cascade=delete` (on `DELETE [type]/[id]`, a conditional delete, or a Bundle DELETE entry's url) "
          + "deletes the referrers too, recursively, in the same transaction, each version kept in history and audited. AuditEvents "
          + "and Provenances never block a delete. A Bundle entry obeys exactly the rules of the same single request."
        : "References: referential integrity is turned off on this server (`Fhir:ReferentialIntegrity=false`, a migration): local "
          + "references are stored unchecked and referenced resources may be deleted; `_cascade=delete` still deletes the referrers "
          + "of a deleted resource. A Bundle entry obeys exactly the rules of the same single request.";

    public CapabilityStatement Build(string baseUrl, string version)
    {
        var ops = operations.ToList();
        var profiles = profileUrls.ToList();
        var rest = new CapabilityStatement.RestComponent
        {
            Mode = CapabilityStatement.RestfulCapabilityMode.Server,
            Documentation = ReferenceDocumentation,
            Interaction =
            [
                new() { Code = CapabilityStatement.SystemRestfulInteraction.Transaction },
                new() { Code = CapabilityStatement.SystemRestfulInteraction.Batch },
                new() { Code = CapabilityStatement.SystemRestfulInteraction.HistorySystem },
                new() { Code = CapabilityStatement.SystemRestfulInteraction.SearchSystem },
            ],
            Operation = ops.Where(o => o.System).Select(o => new CapabilityStatement.OperationComponent { Name = o.Name, Definition = o.Definition }).ToList(),
        };
        foreach (var type in registry.ResourceTypes.Order(StringComparer.Ordinal))
        {
            var resource = new CapabilityStatement.ResourceComponent
            {
                Type = type,
                Interaction = Interactions.Select(i => new CapabilityStatement.ResourceInteractionComponent { Code = i }).ToList(),
                Versioning = CapabilityStatement.ResourceVersionPolicy.Versioned,
                ReadHistory = true,
                UpdateCreate = true,
                ConditionalCreate = true,
                ConditionalRead = CapabilityStatement.ConditionalReadStatus.NotSupported,
                ConditionalUpdate = true,
                ConditionalDelete = CapabilityStatement.ConditionalDeleteStatus.Single,
                ReferencePolicy = ReferentialIntegrity
                    ? [CapabilityStatement.ReferenceHandlingPolicy.Literal, CapabilityStatement.ReferenceHandlingPolicy.Logical,
                        CapabilityStatement.ReferenceHandlingPolicy.Local, CapabilityStatement.ReferenceHandlingPolicy.Enforced]
                    : [CapabilityStatement.ReferenceHandlingPolicy.Literal, CapabilityStatement.ReferenceHandlingPolicy.Logical,
                        CapabilityStatement.ReferenceHandlingPolicy.Local],
                SearchInclude = registry.ForType(type).Where(p => p.Type == SearchParamType.Reference).Select(p => $"{type}:{p.Name}").Order().ToList(),
                SearchParam = registry.ForType(type).OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => new CapabilityStatement.SearchParamComponent
                {
                    Name = p.Name, Definition = p.Url, Type = p.Type,
                }).ToList(),
                Operation = ops.Where(o => o.ResourceTypes.Contains(type))
                    .Select(o => new CapabilityStatement.OperationComponent { Name = o.Name, Definition = o.Definition }).ToList(),
            };
            var typeProfiles = profiles.Where(p => ProfileType(p) == type).ToList();
            if (typeProfiles.Count > 0) resource.SupportedProfileElement = typeProfiles.Select(p => new Canonical(p)).ToList();
            rest.Resource.Add(resource);
        }
        return new CapabilityStatement
        {
            Id = "fhirtrial",
            Url = baseUrl + "/metadata",
            Name = "FhirTrial",
            Title = "FhirTrial FHIR R4 server",
            Status = PublicationStatus.Active,
            Date = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd"),
            Kind = CapabilityStatementKind.Instance,
            Software = new CapabilityStatement.SoftwareComponent { Name = "FhirTrial", Version = version },
            Implementation = new CapabilityStatement.ImplementationComponent { Description = "FhirTrial", Url = baseUrl },
            FhirVersion = FHIRVersion.N4_0_1,
            Format = ["application/fhir+json", "application/fhir+xml", "json", "xml"],
            PatchFormat = ["application/json-patch+json"],
            Rest = [rest],
        };
    }

    /// <summary>Maps a profile URL to the type it constrains; the profile list is registered with its types.</summary>
    public Func<string, string?> ProfileType { get; init; } = _ => null;
}
