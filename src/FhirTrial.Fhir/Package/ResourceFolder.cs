using FhirTrial.Fhir.Serialization;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Package;

/// <summary>The FHIR resources held as <c>*.json</c> files in one folder (the trial package, the study fixture).</summary>
public sealed class ResourceFolder
{
    public ResourceFolder(string? path)
    {
        Path = path;
        Resources = path is null || !Directory.Exists(path)
            ? []
            : Directory.GetFiles(path, "*.json")
                // package.json and .index.json describe an NPM package; they are not resources
                .Where(f => !System.IO.Path.GetFileName(f).StartsWith('.') && System.IO.Path.GetFileName(f) != "package.json")
                .Order(StringComparer.Ordinal)
                .Select(f => FhirSerializer.ParseJson(File.ReadAllBytes(f)))
                .ToList();
    }

    public string? Path { get; }
    public IReadOnlyList<Resource> Resources { get; }
}
