using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Validation;

/// <summary>The trial's FHIR NPM package folder (<c>profiles/</c>): where it is and the conformance resources it holds.</summary>
public sealed class TrialPackage
{
    /// <summary>Canonical base of the trial's own profiles, code systems and value sets.</summary>
    public const string Canon = "http://fhirtrial.example.org/fhir";

    private TrialPackage(string folder, IReadOnlyList<Resource> resources)
    {
        Folder = folder;
        Resources = resources;
    }

    /// <summary>The folder holding <c>package.json</c>.</summary>
    public string Folder { get; }

    /// <summary>Every resource of the package as written (differential StructureDefinitions).</summary>
    public IReadOnlyList<Resource> Resources { get; }

    /// <summary>The package's SearchParameters, indexed like the core ones.</summary>
    public IReadOnlyList<SearchParameter> SearchParameters => Resources.OfType<SearchParameter>().ToArray();

    /// <summary>Reads every <c>Type-id.json</c> file of the package folder (found by <see cref="Locate"/> when null).</summary>
    public static TrialPackage Load(string? folder = null)
    {
        var dir = folder ?? Locate();
        if (!File.Exists(Path.Combine(dir, "package.json")))
            throw new DirectoryNotFoundException($"No FHIR package (package.json) in {dir}");
        return new TrialPackage(dir, new Package.ResourceFolder(dir).Resources);
    }

    /// <summary>The package's resource files: package.json and .index.json are package metadata, not resources.</summary>
    public static IEnumerable<string> PackageFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*.json")
            .Where(p => Path.GetFileName(p) is not ("package.json" or ".index.json"))
            .Order(StringComparer.Ordinal);

    /// <summary>Walks up from the application folder to the first folder with <c>profiles/package.json</c>.</summary>
    public static string Locate(string? start = null)
    {
        for (var dir = new DirectoryInfo(start ?? AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "profiles");
            if (File.Exists(Path.Combine(candidate, "package.json"))) return candidate;
        }
        throw new DirectoryNotFoundException(
            $"No profiles/package.json above {start ?? AppContext.BaseDirectory}; pass the profiles folder explicitly");
    }
}
