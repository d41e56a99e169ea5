using FhirTrial.Fhir.Errors;
using FhirTrial.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Engine;

/// <summary>
/// One write as a client states it, alone or as a transaction entry: the method, its target (<c>Type/id</c> or
/// <c>Type?criteria</c>), the body, and its conditions. A single request is a transaction of one of these, so every
/// rule of writing is applied in one place (<see cref="ResourceService.TransactionAsync"/>).
/// </summary>
public sealed record WriteRequest(Bundle.HTTPVerb Method, string Type)
{
    public string? Id { get; init; }
    public string? Criteria { get; init; }
    public string? FullUrl { get; init; }
    public Resource? Resource { get; init; }
    public string? PatchJson { get; init; }
    public string? IfNoneExist { get; init; }
    public int? IfMatch { get; init; }

    /// <summary><c>_cascade=delete</c>: a delete also deletes what references the deleted resources, recursively.</summary>
    public bool Cascade { get; init; }

    public static WriteRequest Create(Resource resource, string? ifNoneExist = null)
        => new(Bundle.HTTPVerb.POST, resource.TypeName) { Resource = resource, IfNoneExist = ifNoneExist };

    public static WriteRequest Update(string type, string id, Resource resource, int? ifMatch = null)
        => new(Bundle.HTTPVerb.PUT, type) { Id = id, Resource = resource, IfMatch = ifMatch };

    public static WriteRequest ConditionalUpdate(string type, string criteria, Resource resource)
        => new(Bundle.HTTPVerb.PUT, type) { Criteria = criteria, Resource = resource };

    public static WriteRequest Patch(string type, string id, string jsonPatch, int? ifMatch = null)
        => new(Bundle.HTTPVerb.PATCH, type) { Id = id, PatchJson = jsonPatch, IfMatch = ifMatch };

    public static WriteRequest Delete(string type, string id, int? ifMatch = null, bool cascade = false)
        => new(Bundle.HTTPVerb.DELETE, type) { Id = id, IfMatch = ifMatch, Cascade = cascade };

    public static WriteRequest ConditionalDelete(string type, string criteria, bool cascade = false)
        => new(Bundle.HTTPVerb.DELETE, type) { Criteria = criteria, Cascade = cascade };
}

/// <summary>What one write did: the version it stored (a create, update or patch), or for a delete the deletion
/// version (null when there was nothing to delete) and how many resources it deleted, cascades included.</summary>
public sealed record WriteOutcome(WriteResult? Written, StoredResource? Deletion = null, int DeletedCount = 0);

/// <summary>Server-wide write rules from configuration.</summary>
/// <param name="ReferentialIntegrity">Local references must resolve and referenced resources cannot be deleted
/// (<c>Fhir:ReferentialIntegrity</c>, on unless set to false for a migration).</param>
public sealed record WriteRules(bool ReferentialIntegrity = true)
{
    public static WriteRules Default { get; } = new();
}

/// <summary>The <c>_cascade</c> parameter of a delete, split off its search criteria.</summary>
public static class CascadeParameter
{
    public const string Name = "_cascade";

    /// <summary>The query without <c>_cascade</c> (null when nothing else is left), and whether it asked for a cascade.</summary>
    public static (string? Criteria, bool Cascade) Split(string? query)
    {
        if (string.IsNullOrEmpty(query)) return (null, false);
        var cascade = false;
        var rest = new List<string>();
        foreach (var part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            var name = Uri.UnescapeDataString(eq < 0 ? part : part[..eq]);
            if (name != Name) { rest.Add(part); continue; }
            var value = eq < 0 ? "" : Uri.UnescapeDataString(part[(eq + 1)..]);
            if (value != "delete") throw FhirException.BadRequest($"_cascade takes the value 'delete', not '{value}'.");
            cascade = true;
        }
        return (rest.Count == 0 ? null : string.Join('&', rest), cascade);
    }
}
