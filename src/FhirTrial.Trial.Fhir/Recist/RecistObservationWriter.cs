using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Search;
using FhirTrial.Fhir.Serialization;
using FhirTrial.Trial.Fhir.Common;
using FhirTrial.Trial.Recist;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Recist;

/// <summary>
/// Stores a subject's RECIST result as Observations (domain -> FHIR): one <c>recist-timepoint-response</c> per time
/// point, derived from that assessment's lesion Observations, and one <c>recist-best-response</c> derived from the
/// time-point Observations. Each carries a stable identifier (<c>CANON/recist-derived|subjectId/date</c>,
/// <c>|subjectId/best</c>), so running again updates them in place; derived Observations of this subject that no longer
/// apply (a time point whose scans were corrected away) are deleted. All writes are one transaction.
/// </summary>
public sealed class RecistObservationWriter(ResourceService resources, SearchParser parser, IWriteValidator validator)
{
    public const string IdentifierSystem = TrialCodes.Canon + "/recist-derived";
    public const string TimePointProfile = TrialCodes.Canon + "/StructureDefinition/recist-timepoint-response";
    public const string BestResponseProfile = TrialCodes.Canon + "/StructureDefinition/recist-best-response";
    public const string NcitSystem = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl";

    // The NCIt equivalents the trial's CodeSystem (profiles/CodeSystem-recist.json, property ncit) gives.
    private static readonly Dictionary<Response, (string Code, string Display)> Ncit = new()
    {
        [Response.CR] = ("C4870", "Complete Remission"),
        [Response.PR] = ("C18058", "Partial Remission"),
        [Response.SD] = ("C18213", "Stable Disease"),
        [Response.PD] = ("C35571", "Progressive Disease"),
    };

    private static readonly Dictionary<Response, string> Displays = new()
    {
        [Response.CR] = "Complete response",
        [Response.PR] = "Partial response",
        [Response.SD] = "Stable disease",
        [Response.PD] = "Progressive disease",
        [Response.NE] = "Not evaluable",
        [Response.NonCrNonPd] = "Non-CR/non-PD",
        [Response.NA] = "Not applicable",
    };

    /// <summary>What a run wrote: the Observations stored (created or changed), left as they were, and deleted.</summary>
    public sealed record PersistResult(IReadOnlyList<string> Written, IReadOnlyList<string> Unchanged, IReadOnlyList<string> Deleted);

    public async Task<PersistResult> PersistAsync(SubjectFacts facts, RecistResult result, CancellationToken ct)
    {
        if (facts.PatientId is not { } patientId)
            throw FhirTrial.Fhir.Errors.FhirException.Unprocessable($"ResearchSubject/{facts.SubjectId} has no individual: nothing to store the responses on.");

        var existing = await ExistingAsync(facts.SubjectId, patientId, ct);
        var prefix = facts.SubjectId + "/";
        var planned = new List<(string Key, Observation Observation)>();

        // NA overall (no disease at baseline) has no code in the response ValueSet, and a time point always has evidence.
        var timePoints = result.TimePoints.Where(tp => tp.OverallResponse != Response.NA && tp.EvidenceIds.Count > 0).ToList();
        var timePointReferences = new List<string>();
        foreach (var tp in timePoints)
        {
            var key = prefix + FhirJson.Format(tp.Date);
            var observation = TimePointObservation(facts, patientId, tp, key);
            observation.Id = existing.TryGetValue(key, out var found) ? found.Id : ResourceService.NewId();
            timePointReferences.Add("Observation/" + observation.Id);
            planned.Add((key, observation));
        }

        // The best response rests on the time points; with none after baseline, on the baseline scans themselves.
        var bestEvidence = timePointReferences.Count > 0 ? timePointReferences : result.BaselineEvidenceIds.ToList();
        var bestDate = timePoints.Count > 0 ? timePoints[^1].Date : result.BaselineDate;
        if (bestEvidence.Count > 0 && bestDate is { } date)
        {
            var key = prefix + "best";
            var best = BestResponseObservation(facts, patientId, result.BestOverallResponse, date, bestEvidence, key);
            best.Id = existing.TryGetValue(key, out var found) ? found.Id : ResourceService.NewId();
            planned.Add((key, best));
        }

        var changed = new List<Observation>();
        var unchanged = new List<string>();
        foreach (var (key, observation) in planned)
        {
            if (existing.TryGetValue(key, out var current) && SameContent(current, observation))
                unchanged.Add("Observation/" + current.Id);
            else
                changed.Add(observation);
        }

        foreach (var observation in changed)
            await validator.ValidateAsync(observation, ct);

        var keep = planned.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var stale = existing.Where(e => !keep.Contains(e.Key)).Select(e => e.Value.Id).OfType<string>().Distinct().ToList();
        if (changed.Count == 0 && stale.Count == 0)
            return new PersistResult([], unchanged, []);

        // One transaction, through the same write rules as any client's.
        var requests = changed.Select(o => WriteRequest.ConditionalUpdate("Observation", $"identifier={IdentifierSystem}|{o.Identifier[0].Value}", o))
            .Concat(stale.Select(id => WriteRequest.Delete("Observation", id)))
            .ToList();
        var outcomes = await resources.TransactionAsync(requests, ct);
        for (int i = 0; i < changed.Count; i++) changed[i].Id = outcomes[i].Written!.Stored.Id;

        return new PersistResult(changed.Select(o => "Observation/" + o.Id).ToList(), unchanged, stale.Select(id => "Observation/" + id).ToList());
    }

    /// <summary>The Observations derived earlier for this subject, by identifier value.</summary>
    private async Task<Dictionary<string, Observation>> ExistingAsync(string subjectId, string patientId, CancellationToken ct)
    {
        var records = new RecordReader(resources.Store, parser);
        var found = await records.SearchAsync<Observation>(ct, ("subject", $"Patient/{patientId}"), ("identifier", IdentifierSystem + "|"));
        var result = new Dictionary<string, Observation>(StringComparer.Ordinal);
        foreach (var observation in found)
            foreach (var identifier in observation.Identifier)
                if (identifier.System == IdentifierSystem && identifier.Value is { } value && value.StartsWith(subjectId + "/", StringComparison.Ordinal))
                    result[value] = observation;
        return result;
    }

    public static Observation TimePointObservation(SubjectFacts facts, string patientId, TimePointResponse tp, string key) => new()
    {
        Meta = new Meta { Profile = [TimePointProfile] },
        Identifier = [new Identifier(IdentifierSystem, key)],
        Status = ObservationStatus.Final,
        Code = new CodeableConcept(TrialCodes.RecistSystem, "timepoint-response", "Time point response"),
        Subject = new ResourceReference($"Patient/{patientId}"),
        Focus = [new ResourceReference($"ResearchSubject/{facts.SubjectId}")],
        Effective = new FhirDateTime(FhirJson.Format(tp.Date)),
        Value = ResponseConcept(tp.OverallResponse),
        Component =
        [
            new Observation.ComponentComponent
            {
                Code = new CodeableConcept(TrialCodes.RecistSystem, "target-response", "Target response"),
                Value = ResponseConcept(tp.TargetResponse),
            },
            new Observation.ComponentComponent
            {
                Code = new CodeableConcept(TrialCodes.RecistSystem, "non-target-response", "Non-target response"),
                Value = ResponseConcept(tp.NonTargetResponse),
            },
        ],
        DerivedFrom = tp.EvidenceIds.Select(id => new ResourceReference(id)).ToList(),
    };

    public static Observation BestResponseObservation(
        SubjectFacts facts, string patientId, Response best, DateOnly date, IEnumerable<string> evidence, string key) => new()
    {
        Meta = new Meta { Profile = [BestResponseProfile] },
        Identifier = [new Identifier(IdentifierSystem, key)],
        Status = ObservationStatus.Final,
        Code = new CodeableConcept(TrialCodes.RecistSystem, "best-overall-response", "Best overall response"),
        Subject = new ResourceReference($"Patient/{patientId}"),
        Focus = [new ResourceReference($"ResearchSubject/{facts.SubjectId}")],
        Effective = new FhirDateTime(FhirJson.Format(date)),
        Value = ResponseConcept(best),
        DerivedFrom = evidence.Select(id => new ResourceReference(id)).ToList(),
    };

    /// <summary>The response as <c>CANON/CodeSystem/recist</c> code, with its NCIt equivalent when the CodeSystem gives one.</summary>
    public static CodeableConcept ResponseConcept(Response response)
    {
        var concept = new CodeableConcept(TrialCodes.RecistSystem, response.ToCode(), Displays[response]);
        if (Ncit.TryGetValue(response, out var ncit))
            concept.Coding.Add(new Coding(NcitSystem, ncit.Code, ncit.Display));
        return concept;
    }

    // Compares what the Observation says, not when it was stored.
    private static bool SameContent(Observation stored, Observation candidate)
    {
        var a = (Observation)stored.DeepCopy();
        var b = (Observation)candidate.DeepCopy();
        foreach (var o in new[] { a, b })
        {
            o.Meta ??= new Meta();
            o.Meta.VersionId = null;
            o.Meta.LastUpdated = null;
        }

        return FhirSerializer.ToJson(a) == FhirSerializer.ToJson(b);
    }
}
