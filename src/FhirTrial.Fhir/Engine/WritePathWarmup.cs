using System.Text;
using FhirTrial.Fhir.Serialization;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Engine;

/// <summary>
/// Runs the CPU-bound part of the write path (parsing a transaction Bundle, walking its references, stamping, serializing
/// and indexing each entry as <see cref="ResourceService.Prepare"/> does) on a sample EHR Bundle, in memory, storing
/// nothing, so that the first client writes run compiled and optimized code and find Firely's type mappings built
/// (issue 16 item 3: a server just started ingested at half the rate of one that had warmed on real traffic).
/// </summary>
public sealed class WritePathWarmup(ResourceService resources)
{
    /// <summary>Enough calls for the tiered JIT to promote the hot methods (it counts 30 calls before it recompiles).</summary>
    public const int DefaultRounds = 40;

    /// <summary>Runs the sample through <paramref name="rounds"/> times; returns the index rows it extracted (none are stored).</summary>
    public long Run(int rounds = DefaultRounds)
    {
        var json = Encoding.UTF8.GetBytes(SampleBundle);
        var rows = 0L;
        for (int round = 0; round < rounds; round++)
        {
            var bundle = (Bundle)FhirSerializer.ParseJson(json);
            var entries = bundle.Entry.Select(e => (Url: e.FullUrl!, Resource: e.Resource!, Id: ResourceService.NewId())).ToList();
            var targets = entries.ToDictionary(e => e.Url, e => $"{e.Resource.TypeName}/{e.Id}", StringComparer.Ordinal);
            foreach (var (_, resource, id) in entries)
            {
                var (references, uris) = ReferenceRewriter.Links(resource);
                foreach (var reference in references)
                    if (reference.Reference is { } text && targets.TryGetValue(text, out var target)) reference.Reference = target;
                foreach (var uri in uris) _ = uri.JsonValue;
                rows += resources.Prepare(resource, id, 1, "POST").Index.Count;
                foreach (var local in LocalReferences.Of(resource)) _ = local.Key;
            }
        }
        return rows;
    }

    /// <summary>One patient's EHR feed in little: the resource types and shapes a site's transaction Bundles carry.</summary>
    private const string SampleBundle = """
        {"resourceType":"Bundle","type":"transaction","entry":[
         {"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000001","request":{"method":"POST","url":"Patient","ifNoneExist":"identifier=urn:oid:1.2.3|MRN1"},
          "resource":{"resourceType":"Patient","identifier":[{"system":"urn:oid:1.2.3","value":"MRN1"}],"name":[{"family":"Warm","given":["Up"]}],
           "gender":"female","birthDate":"1960-01-01"}},
         {"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000002","request":{"method":"POST","url":"Condition"},
          "resource":{"resourceType":"Condition","subject":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000001"},
           "code":{"coding":[{"system":"http://snomed.info/sct","code":"702391001","display":"Renal cell carcinoma"}],"text":"Renal cell carcinoma"},
           "onsetDateTime":"2024-10-08"}},
         {"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000003","request":{"method":"POST","url":"Observation"},
          "resource":{"resourceType":"Observation","status":"final",
           "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs","display":"vital-signs"}],"text":"vital-signs"}],
           "code":{"coding":[{"system":"http://loinc.org","code":"29463-7","display":"Body weight"}],"text":"Body weight"},
           "subject":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000001"},"effectiveDateTime":"2025-01-06T09:00:00Z",
           "valueQuantity":{"value":64.7,"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"}}},
         {"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000004","request":{"method":"POST","url":"Observation"},
          "resource":{"resourceType":"Observation","status":"final",
           "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"survey","display":"survey"}],"text":"survey"}],
           "code":{"coding":[{"system":"http://loinc.org","code":"89247-1","display":"ECOG performance status"}],"text":"ECOG performance status"},
           "subject":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000001"},"effectiveDateTime":"2025-01-06T09:00:00Z","valueInteger":1}},
         {"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000005","request":{"method":"POST","url":"Observation"},
          "resource":{"resourceType":"Observation","status":"final",
           "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory","display":"laboratory"}],"text":"laboratory"}],
           "code":{"coding":[{"system":"http://loinc.org","code":"718-7","display":"Hemoglobin"}],"text":"Hemoglobin"},
           "subject":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000001"},"effectiveDateTime":"2025-01-06T10:00:00Z",
           "valueQuantity":{"value":12.5,"unit":"g/dL","system":"http://unitsofmeasure.org","code":"g/dL"}}},
         {"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000006","request":{"method":"POST","url":"MedicationAdministration"},
          "resource":{"resourceType":"MedicationAdministration","status":"completed",
           "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"1591763","display":"lenvatinib"}],"text":"lenvatinib"},
           "subject":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000001"},"effectiveDateTime":"2025-01-06T11:00:00Z",
           "dosage":{"dose":{"value":20,"unit":"mg","system":"http://unitsofmeasure.org","code":"mg"}}}},
         {"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000007","request":{"method":"POST","url":"BodyStructure"},
          "resource":{"resourceType":"BodyStructure","identifier":[{"system":"urn:oid:1.2.3.4","value":"L1"}],
           "morphology":{"coding":[{"system":"http://snomed.info/sct","code":"108369006","display":"Neoplasm"}]},
           "location":{"coding":[{"system":"http://snomed.info/sct","code":"39607008","display":"Lung"}]},
           "patient":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000001"}}},
         {"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000008","request":{"method":"POST","url":"Observation"},
          "resource":{"resourceType":"Observation","status":"final",
           "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"imaging","display":"imaging"}]}],
           "code":{"coding":[{"system":"http://loinc.org","code":"21889-1","display":"Size Tumor"}]},
           "subject":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000001"},
           "focus":[{"reference":"urn:uuid:00000000-0000-4000-8000-000000000007"}],"effectiveDateTime":"2025-01-06T12:00:00Z",
           "valueQuantity":{"value":31,"unit":"mm","system":"http://unitsofmeasure.org","code":"mm"}}},
         {"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000009","request":{"method":"POST","url":"AdverseEvent"},
          "resource":{"resourceType":"AdverseEvent","actuality":"actual","subject":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000001"},
           "event":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/MDRCONVERT","code":"10019211","display":"Headache"}],"text":"Headache"},
           "date":"2025-01-20","seriousness":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/adverse-event-seriousness","code":"non-serious"}]}}}
        ]}
        """;
}
