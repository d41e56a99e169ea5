using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Search;
using FhirTrial.Fhir.Security;
using FhirTrial.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Export;

/// <summary>
/// Writes what an export asks for as ndjson files, reading the store page by page: every resource (system level), or
/// the patients of the request and their compartments (Patient and Group level). Stored JSON is written as it is.
/// </summary>
public sealed class BulkExporter(IFhirStore store, SearchParser parser, ExportOptions options)
{
    /// <summary>Exports into <paramref name="folder"/>; <paramref name="progress"/> hears the running count and current type.</summary>
    public async Task<IReadOnlyList<ExportOutputFile>> ExportAsync(ExportJob job, string folder, Action<long, string?> progress, CancellationToken ct)
    {
        var request = job.Request;
        await using var files = new NdjsonFileSet(folder, options.MaxResourcesPerFile);
        long written = 0;
        void Write(StoredResource r)
        {
            files.Write(r);
            if (++written % 100 == 0) progress(written, r.Type);
        }
        bool InScope(StoredResource r) => !r.Deleted && r.LastUpdated <= job.TransactionTime
            && (request.Since is not { } since || r.LastUpdated >= since) && request.Wants(r.Type);

        if (request.Level == ExportLevel.System)
        {
            // Without _type one pass over everything; with it one pass per type, so the store filters.
            var types = request.Types.Count == 0 ? [null] : request.Types.Cast<string?>().ToList();
            foreach (var type in types)
            {
                progress(written, type);
                await foreach (var r in AllAsync(new SearchQuery(type, SinceCriteria(request), [], 0, 0, false), ct))
                    if (InScope(r)) Write(r);
            }
        }
        else
        {
            var seen = new HashSet<long>();
            var patients = request.Level == ExportLevel.Group
                ? PatientsAsync(await GroupPatientIdsAsync(request.GroupId!, ct), ct)
                : AllAsync(new SearchQuery("Patient", [], [], 0, 0, false), ct);
            await foreach (var patient in patients)
            {
                if (patient.Deleted) continue;
                if (InScope(patient) && seen.Add(patient.Key)) Write(patient);
                var compartment = new List<SearchCriterion> { new CompartmentCriterion("Patient", patient.Id) };
                compartment.AddRange(SinceCriteria(request));
                if (request.Types.Count == 0) compartment.Add(Engine.SearchService.CompartmentTypes([]));
                // One query per type named, else one over every type; the store narrows either way.
                var types = request.Types.Count == 0 ? [null] : request.Types.Where(t => t != "Patient").Cast<string?>().ToList();
                foreach (var type in types)
                    await foreach (var r in AllAsync(new SearchQuery(type, compartment, [], 0, 0, false), ct))
                        if (InScope(r) && seen.Add(r.Key)) Write(r);
                progress(written, "Patient");
            }
        }
        progress(written, null);
        return await files.CloseAsync();
    }

    /// <summary>
    /// The patients a Group stands for: its <c>member.entity</c> Patients and, for an enrollment Group, the individuals
    /// of the ResearchSubjects of every ResearchStudy whose <c>enrollment</c> names the Group.
    /// </summary>
    public async Task<IReadOnlyList<string>> GroupPatientIdsAsync(string groupId, CancellationToken ct)
    {
        var group = await store.ReadAsync("Group", groupId, ct);
        if (group is null || group.Deleted) throw FhirException.NotFound($"Group/{groupId} is not known.");
        var ids = new List<string>();
        using (var doc = JsonDocument.Parse(group.Json))
            if (doc.RootElement.TryGetProperty("member", out var members))
                foreach (var member in members.EnumerateArray())
                    if (PatientId(member, "entity") is { } id) ids.Add(id);

        var groupReference = $"Group/{groupId}";
        await foreach (var study in AllAsync(new SearchQuery("ResearchStudy", [], [], 0, 0, false), ct))
        {
            if (study.Deleted || !Enrolls(study.Json, groupReference)) continue;
            var subjects = parser.Parse("ResearchSubject", [new("study", $"ResearchStudy/{study.Id}")], strict: true).Query;
            await foreach (var subject in AllAsync(subjects, ct))
            {
                using var doc = JsonDocument.Parse(subject.Json);
                if (PatientId(doc.RootElement, "individual") is { } id) ids.Add(id);
            }
        }
        return ids.Distinct(StringComparer.Ordinal).ToList();
    }

    private static bool Enrolls(string studyJson, string groupReference)
    {
        using var doc = JsonDocument.Parse(studyJson);
        if (!doc.RootElement.TryGetProperty("enrollment", out var enrollment)) return false;
        return enrollment.EnumerateArray().Any(e => e.TryGetProperty("reference", out var r) && r.GetString() is { } s
            && (s == groupReference || s.EndsWith("/" + groupReference, StringComparison.Ordinal)));
    }

    /// <summary>The id of a local <c>Patient/id</c> reference held in <paramref name="property"/>, or null.</summary>
    private static string? PatientId(JsonElement element, string property)
    {
        if (!element.TryGetProperty(property, out var reference) || !reference.TryGetProperty("reference", out var value)) return null;
        var text = value.GetString();
        if (text is null) return null;
        var parts = text.Split("/_history/")[0].Split('/');
        return parts.Length >= 2 && parts[^2] == "Patient" ? parts[^1] : null;
    }

    private async IAsyncEnumerable<StoredResource> PatientsAsync(IReadOnlyList<string> ids, [EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var chunk in ids.Chunk(options.PageSize))
        {
            var found = await store.ReadManyAsync(chunk.Select(id => new ResourceKey("Patient", id)).ToList(), ct);
            foreach (var patient in found.OrderBy(p => p.Key)) yield return patient;
        }
    }

    private static IReadOnlyList<SearchCriterion> SinceCriteria(ExportRequest request)
        => request.Since is { } since
            ? [new ValueCriterion("_lastUpdated", SearchParamType.Date, SearchModifier.None,
                [new DateValue(SearchPrefix.Ge, DateRange.Instant(since))])]
            : [];

    /// <summary>Every match of a query, a page at a time (the store orders by its key, so paging is stable).</summary>
    private async IAsyncEnumerable<StoredResource> AllAsync(SearchQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        for (var offset = 0; ; offset += options.PageSize)
        {
            var page = await store.SearchAsync(query with { Count = options.PageSize, Offset = offset, CountTotal = false }, ct);
            foreach (var r in page.Resources) yield return r;
            if (page.Resources.Count < options.PageSize) yield break;
        }
    }

    /// <summary>The open ndjson files of a job, one per type, rolled over at the size limit; each file knows the patients
    /// whose data it holds, for the AuditEvent of its download.</summary>
    private sealed class NdjsonFileSet(string folder, int maxPerFile) : IAsyncDisposable
    {
        private sealed class OpenFile(StreamWriter writer, string name, int part)
        {
            public StreamWriter Writer => writer;
            public string Name => name;
            public int Part => part;
            public int Count { get; set; }
            public SortedSet<string> Patients { get; } = new(StringComparer.Ordinal);

            public ExportOutputFile Output(string type) => new(type, name, Count, Patients.ToList());
        }

        private readonly Dictionary<string, OpenFile> _open = new(StringComparer.Ordinal);
        private readonly List<ExportOutputFile> _closed = [];

        public void Write(StoredResource resource)
        {
            var type = resource.Type;
            if (!_open.TryGetValue(type, out var file) || file.Count >= maxPerFile)
            {
                var part = 1;
                if (file is not null)
                {
                    file.Writer.Dispose();
                    _closed.Add(file.Output(type));
                    part = file.Part + 1;
                }
                var name = $"{type}-{part}.ndjson";
                file = new OpenFile(new StreamWriter(Path.Combine(folder, name), append: false, new System.Text.UTF8Encoding(false)), name, part);
                _open[type] = file;
            }
            file.Writer.Write(OneLine(resource.Json));
            file.Writer.Write('\n');
            file.Count++;
            if (PatientCompartment.Contains(type) && TouchLog.PatientOf(resource) is { } patient) file.Patients.Add(patient);
        }

        public async Task<IReadOnlyList<ExportOutputFile>> CloseAsync()
        {
            foreach (var (type, file) in _open)
            {
                await file.Writer.DisposeAsync();
                _closed.Add(file.Output(type));
            }
            _open.Clear();
            return _closed.OrderBy(f => f.Type, StringComparer.Ordinal).ThenBy(f => f.FileName, StringComparer.Ordinal).ToList();
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var (_, file) in _open) await file.Writer.DisposeAsync();
            _open.Clear();
        }

        /// <summary>ndjson needs one resource per line; stored JSON is compact, but an indented one is rewritten.</summary>
        private static string OneLine(string json)
            => json.Contains('\n') ? JsonNode.Parse(json)!.ToJsonString() : json;
    }
}
