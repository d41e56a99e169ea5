using System.Text.Json;
using System.Text.Json.Serialization;

namespace FhirTrial.Cli.Import;

/// <summary>
/// <c>.fhirtrial-import.json</c> in the imported folder: per server, the files done and how far into an ndjson file the
/// import got, so a rerun after an interruption skips what is already on the server.
/// </summary>
public sealed class ImportState
{
    public const string FileName = ".fhirtrial-import.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    [JsonPropertyName("servers")]
    public Dictionary<string, Dictionary<string, FileProgress>> Servers { get; set; } = new(StringComparer.Ordinal);

    [JsonIgnore]
    public string Path { get; private set; } = "";

    public static ImportState Load(string folder)
    {
        var path = System.IO.Path.Combine(folder, FileName);
        ImportState? state = null;
        if (File.Exists(path))
        {
            try { state = JsonSerializer.Deserialize<ImportState>(File.ReadAllText(path), Json); }
            catch (JsonException) { state = null; } // a damaged state file only costs a full re-import
        }
        state ??= new ImportState();
        state.Path = path;
        return state;
    }

    public FileProgress For(string server, string file)
    {
        if (!Servers.TryGetValue(server, out var files)) Servers[server] = files = new(StringComparer.Ordinal);
        if (!files.TryGetValue(file, out var progress)) files[file] = progress = new FileProgress();
        return progress;
    }

    public void Forget(string server) => Servers.Remove(server);

    public void Save()
    {
        var temp = Path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, Json));
        File.Move(temp, Path, overwrite: true);
    }
}

/// <summary>How far one file got: done, or (ndjson) the lines already accepted by the server.</summary>
public sealed class FileProgress
{
    [JsonPropertyName("completed")] public bool Completed { get; set; }
    [JsonPropertyName("lines")] public int Lines { get; set; }
    [JsonPropertyName("resources")] public int Resources { get; set; }
    [JsonPropertyName("at")] public DateTimeOffset? At { get; set; }
}
