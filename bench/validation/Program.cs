// Warm validation throughput: one profiled resource at a time, and a 100-entry Bundle's resources validated
// through the shared, core-capped service the server uses. Run: dotnet run -c Release --project bench/validation
using System.Diagnostics;
using FhirTrial.Fhir.Validation;
using Hl7.Fhir.Model;

const string Canon = "http://fhirtrial.example.org/fhir";
var rounds = args.Length > 0 ? int.Parse(args[0]) : 500;

var started = Stopwatch.StartNew();
using var service = new ProfileValidationService();
await service.WarmAsync();
Console.WriteLine($"warm-up: {started.ElapsedMilliseconds} ms");

Observation Measurement(int i) => new()
{
    Meta = new Meta { Profile = [$"{Canon}/StructureDefinition/recist-target-measurement"] },
    Status = ObservationStatus.Final,
    Code = new CodeableConcept("http://loinc.org", "21889-1"),
    Subject = new ResourceReference($"Patient/p{i % 50}"),
    Focus = [new ResourceReference($"BodyStructure/l{i}")],
    Effective = new FhirDateTime(2025, 1, 1 + i % 28),
    Value = new Quantity(10 + i % 40, "mm", "http://unitsofmeasure.org"),
};

Observation Weight(int i) => new()
{
    Status = ObservationStatus.Final,
    Code = new CodeableConcept("http://loinc.org", "29463-7"),
    Subject = new ResourceReference($"Patient/p{i % 50}"),
    Effective = new FhirDateTime(2025, 1, 1 + i % 28),
    Value = new Quantity(55 + i % 30, "kg", "http://unitsofmeasure.org"),
};

for (int i = 0; i < 50; i++) await service.ValidateAsync(Measurement(i), null, default);

var single = Stopwatch.StartNew();
for (int i = 0; i < rounds; i++)
{
    var outcome = await service.ValidateAsync(Measurement(i), null, default);
    if (outcome.Issue.Any(x => x.Severity == OperationOutcome.IssueSeverity.Error)) throw new InvalidOperationException("benchmark resource is invalid");
}
var perResource = single.Elapsed.TotalMilliseconds / rounds;
Console.WriteLine($"profiled resource, sequential: {perResource:F2} ms each ({rounds / single.Elapsed.TotalSeconds:F0}/s)");

// A realistic EHR push: 100 entries, a third of them claiming a trial profile, validated concurrently up to the cap.
var bundles = Math.Max(5, rounds / 100);
var bundle = Stopwatch.StartNew();
for (int b = 0; b < bundles; b++)
{
    var entries = Enumerable.Range(0, 100).Select(i => i % 3 == 0 ? (Resource)Measurement(i) : Weight(i)).ToList();
    await Task.WhenAll(entries.Select(e => service.ValidateAsync(e, null, default)));
}
Console.WriteLine($"100-entry Bundle, all entries validated: {bundle.Elapsed.TotalMilliseconds / bundles:F0} ms per Bundle on {Environment.ProcessorCount} cores");
