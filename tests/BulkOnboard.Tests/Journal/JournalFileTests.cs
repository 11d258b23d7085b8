using BulkOnboard.Journal;
using BulkOnboard.Tests.Support;
using Microsoft.Data.Sqlite;

namespace BulkOnboard.Tests.Journal;

/// <summary>The one way to the journal's file: owner-only whatever the umask, and tightened when an older version left it wider.</summary>
[Platform(Exclude = "Win")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class JournalFileTests
{
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerFolder = OwnerFile | UnixFileMode.UserExecute;
    private const UnixFileMode Wide = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode WideFolder = Wide | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private JournalFolder _journal = null!;
    private IDisposable _umask = null!;
    private SqliteConnection? _older;

    [SetUp]
    public void SetUp()
    {
        _journal = new JournalFolder();
        _umask = Umask.Set(Umask.Permissive);
    }

    [TearDown]
    public void TearDown()
    {
        _older?.Dispose();
        _umask.Dispose();
        _journal.Dispose();
    }

    [Test]
    public void CreatingAJournal_InFoldersThatDoNotExist_MakesTheFileAndEveryFolderOwnerOnly()
    {
        var path = Path.Combine(_journal.Folder, "state", "bulkonboard", "journal.db");

        using (var connection = JournalFile.Open(path, create: true, durable: true))
        {
            JournalSchema.Migrate(connection, path);
            Assert.That(File.GetUnixFileMode(path + "-wal"), Is.EqualTo(OwnerFile), "SQLite gives its -wal the file's mode");
        }

        Assert.That(File.GetUnixFileMode(path), Is.EqualTo(OwnerFile));
        Assert.That(File.GetUnixFileMode(Path.Combine(_journal.Folder, "state", "bulkonboard")), Is.EqualTo(OwnerFolder));
        Assert.That(File.GetUnixFileMode(Path.Combine(_journal.Folder, "state")), Is.EqualTo(OwnerFolder));
    }

    [Test]
    public void AJournalAnOlderVersionLeftWide_IsTightened_ByAReaderToo()
    {
        var folder = Path.Combine(_journal.Folder, "own");
        var path = LeftWide(folder);

        using (JournalFile.Open(path))
        {
        }

        Assert.That(File.GetUnixFileMode(path), Is.EqualTo(OwnerFile));
        Assert.That(File.GetUnixFileMode(path + "-wal"), Is.EqualTo(OwnerFile));
        Assert.That(File.GetUnixFileMode(path + "-shm"), Is.EqualTo(OwnerFile));
        Assert.That(File.GetUnixFileMode(folder), Is.EqualTo(OwnerFolder), "a folder that holds only the journal is the journal's own");
    }

    [Test]
    public void AFolderThatHoldsMoreThanTheJournal_IsLeftAsItIs_TheFileIsStillTightened()
    {
        var folder = Path.Combine(_journal.Folder, "srv");
        var path = LeftWide(folder);
        Directory.CreateDirectory(Path.Combine(folder, "inbox"));

        using (JournalFile.Open(path, create: true))
        {
        }

        Assert.That(File.GetUnixFileMode(path), Is.EqualTo(OwnerFile));
        Assert.That(File.GetUnixFileMode(folder), Is.EqualTo(WideFolder), "a service's working folder, whose inbox others drop files into, is not the journal's to close");
    }

    /// <summary>A journal as an older version left it: the file, its -wal and -shm 0644 in a 0755 folder.</summary>
    private string LeftWide(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "journal.db");
        // Kept open until the test ends: its -wal and -shm stay for the next connection to find, as after a run that was killed.
        _older = new SqliteConnection($"Data Source={path};Pooling=False");
        _older.Open();
        JournalSchema.Scalar(_older, "PRAGMA journal_mode = WAL;");
        JournalSchema.Migrate(_older, path);
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.SetUnixFileMode(file, Wide);
        }

        File.SetUnixFileMode(folder, WideFolder);
        return path;
    }
}
