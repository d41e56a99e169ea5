using Microsoft.Data.Sqlite;

namespace FhirTrial.Storage.Tests.Sqlite;

/// <summary>A test on a SQLite store file of its own, in a temp folder removed afterwards.</summary>
public abstract class SqliteFileTest(string folderPrefix) : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory(folderPrefix).FullName;

    protected string ConnectionString => $"Data Source={Path.Combine(_folder, "store.db")}";

    public Task InitializeAsync() => System.Threading.Tasks.Task.CompletedTask;

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
        return System.Threading.Tasks.Task.CompletedTask;
    }
}
