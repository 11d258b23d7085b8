using Microsoft.Data.Sqlite;

namespace BulkOnboard.Journal;

/// <summary>
/// The one way to the journal's file: every connection (a run's writer and reader, the source history's,
/// <c>bulkonboard history</c>'s) is opened here. On Unix the file and its <c>-wal</c> and <c>-shm</c> are
/// owner-only (0600), and so is a folder of the journal's own (0700): created so whatever the umask, and
/// tightened when they exist wider (an older version, or SQLite under umask 022, left 0644 in 0755).
/// A folder that holds more than the journal (a service's working folder with its inbox) is not the
/// journal's to close: it is left as it is, and the file itself is still owner-only.
/// </summary>
internal static class JournalFile
{
    /// <summary>How long a write waits for another process's lock on the file before the journal counts as unavailable.</summary>
    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Opens a connection on the journal at <paramref name="path"/>, owner-only first.</summary>
    /// <param name="create">Create the file (and its folders) when missing: a run, or a fetch recorded. Readers pass <c>false</c> and check that it exists.</param>
    /// <param name="durable">
    /// The writer's connection: <c>synchronous=FULL</c>, so an in-flight mark is on disk before its request
    /// goes out and survives a power cut (with NORMAL the last commits could be lost, and a person
    /// invited twice). Group commit keeps the cost to one sync per batch of rows.
    /// </param>
    public static SqliteConnection Open(string path, bool create = false, bool durable = false, TimeSpan? busyTimeout = null)
    {
        MakePrivate(path, create);

        // Microsoft.Data.Sqlite retries a busy statement for DefaultTimeout seconds, SQLite for busy_timeout: both get the same wait.
        var wait = busyTimeout ?? DefaultBusyTimeout;
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path, Pooling = false, DefaultTimeout = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)),
        }.ToString());
        try
        {
            connection.Open();

            // WAL: lookups read while the writer commits.
            JournalSchema.Scalar(connection, "PRAGMA journal_mode = WAL;");
            JournalSchema.Scalar(connection, durable ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;");
            JournalSchema.Scalar(connection, $"PRAGMA busy_timeout = {(long)wait.TotalMilliseconds};");

            // SQLite gives a new -wal and -shm the file's mode; ones an older version left wider are tightened.
            Storage.PrivateFiles.Restrict(path + "-wal");
            Storage.PrivateFiles.Restrict(path + "-shm");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The file owner-only (created empty when <paramref name="create"/> and missing, so SQLite never
    /// creates it under the umask), and its folder too when the folder is the journal's own.
    /// </summary>
    private static void MakePrivate(string path, bool create)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        if (create)
        {
            Storage.PrivateFiles.CreateFolder(folder);
        }

        if (create)
        {
            Storage.PrivateFiles.Prepare(full);
        }
        else
        {
            Storage.PrivateFiles.Restrict(full);
        }

        if (!OperatingSystem.IsWindows() && Directory.Exists(folder) && (File.GetUnixFileMode(folder) & ~Storage.PrivateFiles.FolderMode) != 0
            && HoldsOnlyTheJournal(folder, Path.GetFileName(full)))
        {
            Storage.PrivateFiles.RestrictFolder(folder);
        }
    }

    /// <summary>Whether every entry of <paramref name="folder"/> is the journal or one of SQLite's files beside it (<c>journal.db-wal</c>, <c>-shm</c>, <c>-journal</c>).</summary>
    private static bool HoldsOnlyTheJournal(string folder, string fileName)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries(folder).All(entry => Path.GetFileName(entry).StartsWith(fileName, StringComparison.Ordinal));
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            // A folder this user may enter but not list is someone else's: not the journal's to close.
            return false;
        }
    }
}
