using BulkOnboard.Journal;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace BulkOnboard.Tests.Support;

/// <summary>A temporary folder with a journal path and a fake clock: one per test, deleted with it.</summary>
internal sealed class JournalFolder : IDisposable
{
    public const string Target = "https://tallyfy.test/api|org1";

    public static readonly DateTimeOffset Start = new(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);

    public JournalFolder() => Directory.CreateDirectory(Folder);

    public string Folder { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "bulkonboard-journal", Guid.NewGuid().ToString("N"));

    public string Path => System.IO.Path.Combine(Folder, "journal.db");

    public FakeTimeProvider Time { get; } = new(Start);

    /// <summary>Starts a run on the journal, as an import of <paramref name="file"/> would.</summary>
    public RunJournal Open(string file = "people.csv", bool forced = false, string command = "import", string target = Target,
        TimeSpan? busyTimeout = null, bool share = false, ILogger? logger = null) =>
        RunJournal.Open(Path, target, System.IO.Path.Combine(Folder, file), "sha-" + file, forced, Time, logger ?? NullLogger.Instance, command, busyTimeout, share);

    /// <summary>A connection of its own on the journal file, to build old schemas or look at what was written.</summary>
    public SqliteConnection Connect()
    {
        var connection = new SqliteConnection($"Data Source={Path};Pooling=False");
        connection.Open();
        return connection;
    }

    public object? Scalar(string sql)
    {
        using var connection = Connect();
        return JournalSchema.Scalar(connection, sql);
    }

    public void Execute(string sql)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a failed test; the temp folder is cleaned by the OS.
        }
    }
}
