namespace BulkOnboard.Watching;

/// <summary>
/// Decides which inbox files are ready: regular, visible, not a temporary or partial download,
/// unchanged (size and timestamp) for the settle time, held open for writing by no process
/// (<see cref="OpenWriters"/>: a writer that pauses with the file open is not done), then openable
/// exclusively. Oldest first.
/// </summary>
/// <param name="ignore">Files of our own that may sit in the inbox (the status file).</param>
internal sealed class InboxScanner(TimeSpan settleTime, TimeProvider timeProvider, params string[] ignore)
{
    private readonly Dictionary<string, (long Length, DateTime Written, DateTimeOffset StableSince)> _seen = new(StringComparer.Ordinal);

    /// <summary>Files that look like imports, whether or not they are ready yet.</summary>
    public static IEnumerable<FileInfo> Candidates(string folder, params string[] ignore) =>
        new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.TopDirectoryOnly)
            .Where(f => IsCandidate(f) && !ignore.Contains(f.FullName, StringComparer.Ordinal))
            .OrderBy(f => f.LastWriteTimeUtc)
            .ThenBy(f => f.Name, StringComparer.Ordinal);

    public static bool IsCandidate(FileInfo file)
    {
        var name = file.Name;
        if (name.StartsWith('.') || name.StartsWith("~$", StringComparison.Ordinal)
            || (file.Attributes & (FileAttributes.Hidden | FileAttributes.ReparsePoint | FileAttributes.Directory)) != 0)
        {
            return false;
        }

        var extension = file.Extension.ToLowerInvariant();
        return extension is not (".tmp" or ".temp" or ".crdownload" or ".download" or ".partial" or ".swp")
            && !extension.StartsWith(".part", StringComparison.Ordinal);
    }

    /// <summary>The candidates ready now, and whether others are still settling.</summary>
    public (IReadOnlyList<FileInfo> Ready, bool Settling) Scan(string folder)
    {
        var now = timeProvider.GetUtcNow();
        var ready = new List<FileInfo>();
        var settling = false;
        var present = new HashSet<string>(StringComparer.Ordinal);
        var settled = new List<FileInfo>();
        foreach (var file in Candidates(folder, ignore))
        {
            present.Add(file.FullName);
            file.Refresh();
            var stableSince = _seen.TryGetValue(file.FullName, out var seen) && seen.Length == file.Length && seen.Written == file.LastWriteTimeUtc
                ? seen.StableSince
                : Earlier(now, new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero));
            _seen[file.FullName] = (file.Length, file.LastWriteTimeUtc, stableSince);
            // Not a regular file (a FIFO would block the open below for ever): ready at once, to be filed under failed/.
            if (Input.InputFile.IsSpecial(file.FullName))
            {
                ready.Add(file);
            }
            else if (now - stableSince >= settleTime)
            {
                settled.Add(file);
            }
            else
            {
                settling = true;
            }
        }

        // Read once per scan, for the files that have settled: a scan of every process's open files.
        var writing = OpenWriters.Among([.. settled.Select(f => f.FullName)]);
        foreach (var file in settled)
        {
            if (!writing.Contains(file.FullName) && CanOpenExclusively(file))
            {
                ready.Add(file);
            }
            else
            {
                settling = true;
            }
        }

        foreach (var gone in _seen.Keys.Where(k => !present.Contains(k)).ToList())
        {
            _seen.Remove(gone);
        }

        return (ready, settling);
    }

    /// <summary>A file first seen now counts as stable since its last write (a file dropped long ago is ready at once).</summary>
    private static DateTimeOffset Earlier(DateTimeOffset now, DateTimeOffset written) => written < now ? written : now;

    private static bool CanOpenExclusively(FileInfo file)
    {
        try
        {
            using var stream = file.Open(FileMode.Open, FileAccess.Read, FileShare.None);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
