namespace FhirTrial.Fhir.Package;

/// <summary>Finds the repository's data folders (profiles/, fhir-examples/) from the running binary or the working directory.</summary>
public static class ProjectFolders
{
    public static string? Find(string relative)
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relative);
                if (Directory.Exists(candidate) || File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }
}
