using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using FhirTrial.Fhir.Serialization;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Tests.Recist;

/// <summary>
/// Pins an operation's output as a reviewed JSON file under <c>tests/FhirTrial.Trial.Fhir.Tests/Approved/</c>, compared
/// after normalizing (indentation; <c>id</c> and <c>meta</c> left out). A missing or different file fails the test and
/// leaves the output beside it as <c>.received.json</c> for review; approving is renaming it.
/// </summary>
public static class ApprovedFile
{
    public static void Verify(string name, Resource resource) =>
        Compare(name, "json", Normalize(FhirSerializer.ToJson(resource)), Normalize);

    /// <summary>Pins a text output (a dataset as CSV, define.xml) as <c>Approved/{name}.approved.{extension}</c>, line endings normalized.</summary>
    public static void VerifyText(string name, string extension, string text) =>
        Compare(name, extension, UnixLines(text), UnixLines);

    private static string UnixLines(string text) => text.Replace("\r\n", "\n");

    private static void Compare(string name, string extension, string received, Func<string, string> normalize)
    {
        var folder = Path.Combine(TrialStore.RepositoryRoot(), "tests", "FhirTrial.Trial.Fhir.Tests", "Approved");
        var approvedPath = Path.Combine(folder, $"{name}.approved.{extension}");
        var receivedPath = Path.Combine(folder, $"{name}.received.{extension}");
        if (File.Exists(approvedPath) && normalize(File.ReadAllText(approvedPath)) == received)
        {
            File.Delete(receivedPath);
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(receivedPath)!);
        File.WriteAllText(receivedPath, received);
        Assert.Fail(File.Exists(approvedPath)
            ? $"{name}: output differs from {approvedPath}; see {receivedPath}."
            : $"{name}: no approved file yet; review {receivedPath} and rename it to {Path.GetFileName(approvedPath)}.");
    }

    public static string Normalize(string json)
    {
        var node = JsonNode.Parse(json) ?? throw new InvalidOperationException("empty JSON");
        if (node is JsonObject root)
        {
            root.Remove("id");
            root.Remove("meta");
        }

        return node.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping })
            .Replace("\r\n", "\n") + "\n";
    }
}
