namespace BulkOnboard.Storage;

/// <summary>
/// The one way BulkOnboard creates what it writes about people (reports, plans, failed.csv, the journal,
/// logs, the status file): on Unix, files owner-only (0600) and the folders it creates owner-only (0700),
/// whatever the umask; and "write to a temporary file, then move it into place" for every file that must
/// never be seen half-written. On Windows, files inherit the folder's ACL as before.
/// </summary>
internal static class PrivateFiles
{
    /// <summary>Read and write for the owner only.</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Read, write and enter for the owner only.</summary>
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates <paramref name="folder"/> (and the folders above it that are missing) owner-only; one that exists is left as it is.</summary>
    public static void CreateFolder(string folder)
    {
        if (Directory.Exists(folder))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return;
        }

        // Each missing folder on the way gets the mode (the runtime gives it to the last one only).
        var missing = new Stack<string>();
        for (var path = Path.GetFullPath(folder); !Directory.Exists(path); path = Path.GetDirectoryName(path)!)
        {
            missing.Push(path);
        }

        while (missing.TryPop(out var path))
        {
            Directory.CreateDirectory(path, FolderMode);
        }
    }

    /// <summary>Opens <paramref name="path"/> for writing (created, or truncated with <see cref="System.IO.FileMode.Create"/>), owner-only.</summary>
    public static FileStream OpenWrite(string path, System.IO.FileMode mode = System.IO.FileMode.Create, FileShare share = FileShare.Read, int bufferSize = 4096)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = share, BufferSize = bufferSize };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode;
        }

        var stream = new FileStream(path, options);
        if (!OperatingSystem.IsWindows())
        {
            // A file that existed before keeps its mode through the open: make it owner-only too.
            File.SetUnixFileMode(stream.SafeFileHandle, FileMode);
        }

        return stream;
    }

    /// <summary>
    /// Makes sure <paramref name="path"/> exists owner-only before a library that opens files by name
    /// (CsvHelper, OpenXML, SQLite, Serilog) writes to it: created empty if missing, restricted if not.
    /// </summary>
    public static void Prepare(string path)
    {
        using (OpenWrite(path, System.IO.FileMode.OpenOrCreate, FileShare.ReadWrite | FileShare.Delete))
        {
        }
    }

    /// <summary>
    /// Restricts a file someone else created (SQLite's -wal and -shm, a rolled log file, a journal an older
    /// version left 0644) to its owner; a missing one, or one already owner-only, is left as it is.
    /// </summary>
    public static void Restrict(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path) && (File.GetUnixFileMode(path) & ~FileMode) != 0)
        {
            File.SetUnixFileMode(path, FileMode);
        }
    }

    /// <summary>Restricts an existing folder to its owner (0700) when it is wider (0755 under umask 022); the caller decides that the folder is its own.</summary>
    public static void RestrictFolder(string folder)
    {
        if (!OperatingSystem.IsWindows() && Directory.Exists(folder) && (File.GetUnixFileMode(folder) & ~FolderMode) != 0)
        {
            File.SetUnixFileMode(folder, FolderMode);
        }
    }

    /// <summary>
    /// Writes <paramref name="path"/> whole or not at all: <paramref name="write"/> fills an owner-only
    /// temporary file beside it (a name of its own, so two writers never share one), which then replaces
    /// <paramref name="path"/>. A failure leaves the old file as it was and no temporary file behind.
    /// </summary>
    public static void WriteAtomically(string path, Action<Stream> write)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = OpenWrite(temporary, System.IO.FileMode.CreateNew, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary><see cref="WriteAtomically(string, Action{Stream})"/> for text (UTF-8, no BOM).</summary>
    public static void WriteAllTextAtomically(string path, string text) =>
        WriteAtomically(path, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), 4096, leaveOpen: true);
            writer.Write(text);
        });

    /// <summary>Writes a small text file owner-only (not atomically: a note beside a file, such as <c>error.txt</c>).</summary>
    public static void WriteAllText(string path, string text)
    {
        using var stream = OpenWrite(path);
        using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false));
        writer.Write(text);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: the temporary file's name says what it is.
        }
    }
}
