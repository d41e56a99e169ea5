using System.Text;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Security;

/// <summary>The AuditEvent of a request and the Provenance of a pushed Bundle, as FHIR resources.</summary>
public static class AuditRecords
{
    public const string ClientIdSystem = "urn:fhirtrial:client-id";
    public const string RoleSystem = "http://fhirtrial.example.org/fhir/CodeSystem/access-role";

    /// <summary>The AuditEvent of what one request (or one Bundle entry) read, with the resources it withheld when any.</summary>
    public static AuditEvent Event(RequestAccess access, TouchLog log, int status, DateTimeOffset when, IReadOnlyList<string> hidden)
    {
        var audit = Event(access, log.Interaction, log.Query, log.References, log.Patients, hidden.Count > 0 && status < 400 ? 404 : status,
            when, log.Untracked);
        foreach (var reference in hidden)
            audit.Entity.Add(new AuditEvent.EntityComponent
            {
                What = new ResourceReference(reference),
                Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"),
                Description = "withheld: not the caller's site",
            });
        return audit;
    }

    public static AuditEvent Event(RequestAccess access, FhirInteraction interaction, string? query, IEnumerable<string> entities,
        IEnumerable<string> patients, int status, DateTimeOffset when, int untracked = 0, string? action = null)
    {
        var principal = access.Principal;
        var audit = new AuditEvent
        {
            Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation"),
            Subtype = [new Coding("http://hl7.org/fhir/restful-interaction", interaction.Code)],
            Action = Enum.Parse<AuditEvent.AuditEventAction>(action ?? interaction.AuditAction),
            Recorded = when,
            Period = new Period { StartElement = new FhirDateTime(when), EndElement = new FhirDateTime(when) },
            Outcome = status switch
            {
                < 400 => AuditEvent.AuditEventOutcome.N0,
                < 500 => AuditEvent.AuditEventOutcome.N4,
                _ => AuditEvent.AuditEventOutcome.N8,
            },
            OutcomeDesc = $"HTTP {status}",
            Agent = [Agent(principal, access.SourceAddress)],
            Source = new AuditEvent.SourceComponent
            {
                Site = "FhirTrial",
                Observer = new ResourceReference { Display = "FhirTrial FHIR server" },
                Type = [new Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server")],
            },
        };
        if (principal.Site is { } site)
            audit.Agent.Add(new AuditEvent.AgentComponent
            {
                Who = new ResourceReference($"Organization/{site}"),
                Requestor = false,
                Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-RoleClass", "PROV", "healthcare provider"),
            });
        foreach (var reference in entities)
            audit.Entity.Add(new AuditEvent.EntityComponent
            {
                What = new ResourceReference(reference),
                Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"),
            });
        foreach (var patient in patients)
            audit.Entity.Add(new AuditEvent.EntityComponent
            {
                What = new ResourceReference(patient),
                Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"),
                Role = new Coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient"),
            });
        if (interaction.Operation is not null || query is { Length: > 0 })
            audit.Entity.Add(new AuditEvent.EntityComponent
            {
                Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"),
                Name = interaction.Operation is null ? interaction.Type ?? "search" : "$" + interaction.Operation,
                Query = query is { Length: > 0 } q ? Encoding.UTF8.GetBytes(q) : null,
                Description = untracked > 0 ? $"{untracked} more resources were returned than are listed" : null,
            });
        return audit;
    }

    public static Provenance Provenance(RequestAccess access, IEnumerable<string> targets, bool allCreated, DateTimeOffset when)
    {
        var principal = access.Principal;
        return new Provenance
        {
            Target = targets.Select(t => new ResourceReference(t)).ToList(),
            Recorded = when,
            Activity = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-DataOperation", allCreated ? "CREATE" : "UPDATE"),
            Agent =
            [
                new Provenance.AgentComponent
                {
                    Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/provenance-participant-type", "author", "Author"),
                    Who = Client(principal),
                    OnBehalfOf = principal.Site is { } site ? new ResourceReference($"Organization/{site}") : null,
                },
            ],
        };
    }

    private static AuditEvent.AgentComponent Agent(AccessPrincipal principal, string? address) => new()
    {
        Type = new CodeableConcept("http://dicom.nema.org/resources/ontology/DCM", "110150", "Application"),
        Who = Client(principal),
        Requestor = true,
        Role = [new CodeableConcept(RoleSystem, principal.RoleCode, principal.Site is null ? principal.RoleCode : $"site {principal.Site}")],
        Network = address is null ? null : new AuditEvent.NetworkComponent { Address = address, Type = AuditEvent.AuditEventAgentNetworkType.N2 },
    };

    private static ResourceReference Client(AccessPrincipal principal) => new()
    {
        Identifier = new Identifier(ClientIdSystem, principal.ClientId),
        Display = principal.ClientId,
    };
}
