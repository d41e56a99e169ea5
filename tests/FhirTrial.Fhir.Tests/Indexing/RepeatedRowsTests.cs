using FhirTrial.Fhir.Indexing;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Tests.Indexing;

/// <summary>Rows equal to another row of the same resource are stored once; rows that differ in anything are all kept.</summary>
public class RepeatedRowsTests
{
    private static readonly IndexExtractor Extractor = new(EngineRegistry.Instance);

    [Fact]
    public void An_audit_of_many_entries_stores_its_entity_type_once_and_every_entity()
    {
        var audit = new AuditEvent
        {
            Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest"),
            Recorded = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero),
            Agent = { new AuditEvent.AgentComponent { Requestor = true, Who = new ResourceReference("Device/site-a") } },
            Source = new AuditEvent.SourceComponent { Observer = new ResourceReference("Device/fhirtrial") },
        };
        foreach (var id in new[] { "a", "b", "c" })
            audit.Entity.Add(new AuditEvent.EntityComponent
            {
                What = new ResourceReference($"Observation/{id}"),
                Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2"),
            });

        var rows = Extractor.Extract(audit);

        Assert.Single(rows.OfType<TokenIndex>(), r => r.Param == "entity-type");
        Assert.Equal(["a", "b", "c"], rows.OfType<ReferenceIndex>().Where(r => r.Param == "entity").Select(r => r.TargetId).Order());
        Assert.Equal(rows.Count, rows.Distinct().Count());
    }

    [Fact]
    public void Codings_that_differ_only_in_system_are_both_kept()
    {
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept { Coding = { new Coding("http://loinc.org", "718-7"), new Coding("http://example.org/lab", "718-7"), new Coding("http://loinc.org", "718-7") } },
        };

        var codes = Extractor.Extract(observation).OfType<TokenIndex>().Where(r => r.Param == "code").ToList();

        Assert.Equal(["http://example.org/lab", "http://loinc.org"], codes.Select(c => c.System).Order());
    }
}
