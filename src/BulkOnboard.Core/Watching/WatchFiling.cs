using System.Collections.Concurrent;
using System.Globalization;

namespace BulkOnboard.Watching;

/// <summary>
/// Where a watched file goes and when it is tried again: moves between the watched folders (renamed with a
/// timestamp so names never collide), the <c>error.txt</c> that says why a file is under failed/, and the
/// files kept in processing/ to retry, each with a time before which it is not taken again (from
/// <c>Watch:ScanInterval</c>, doubled on every try, at most <see cref="MaxRetryDelay"/>).
/// </summary>
internal sealed class WatchFiling(WatchFolders folders, TimeSpan firstRetryDelay, TimeProvider timeProvider)
{
    /// <summary>The longest a file kept to retry waits before it is tried again.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(15);

    private readonly ConcurrentDictionary<string, (DateTimeOffset NotBefore, TimeSpan Delay)> _retries = new(StringComparer.Ordinal);

    /// <summary>Moves <paramref name="file"/> into <paramref name="folder"/> (created if missing); returns where it went.</summary>
    public string MoveTo(string file, string folder, bool stamp)
    {
        Storage.PrivateFiles.CreateFolder(folder);
        var stem = Path.GetFileNameWithoutExtension(file);
        var extension = Path.GetExtension(file);
        var target = Path.Combine(folder, stamp ? $"{stem}.{Stamp()}{extension}" : Path.GetFileName(file));
        for (var n = 2; File.Exists(target) || Directory.Exists(target); n++)
        {
            target = Path.Combine(folder, $"{stem}.{Stamp()}-{n}{extension}");
        }

        File.Move(file, target);
        return target;
    }

    /// <summary>Files the file under failed/ with <c>name.&lt;time&gt;.error.txt</c> in the reports saying why; returns where it went.</summary>
    public string FileAsFailed(string file, string why)
    {
        var moved = MoveTo(file, folders.Failed, stamp: true);
        Forget(file);
        WriteErrorReport(Path.GetFileNameWithoutExtension(file), why);
        return moved;
    }

    /// <summary><c>name.&lt;time&gt;.error.txt</c> in the reports, saying why a file or a polled source was not run (the log and the notification say it too).</summary>
    public void WriteErrorReport(string name, string why)
    {
        try
        {
            Storage.PrivateFiles.CreateFolder(folders.Reports);
            Storage.PrivateFiles.WriteAllText(Path.Combine(folders.Reports, $"{name}.{Stamp()}.error.txt"), why + Environment.NewLine);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Only the report is missing: what happened is filed and logged.
        }
    }

    /// <summary>Keeps a file in processing/ to be tried again later; returns when, and whether it is the first time.</summary>
    public (DateTimeOffset NotBefore, bool First) RetryLater(string file)
    {
        var first = !_retries.TryGetValue(file, out var earlier);
        var delay = first ? firstRetryDelay : TimeSpan.FromTicks(Math.Min(earlier.Delay.Ticks * 2, MaxRetryDelay.Ticks));
        var notBefore = timeProvider.GetUtcNow() + delay;
        _retries[file] = (notBefore, delay);
        return (notBefore, first);
    }

    /// <summary>The file has left processing/ (or is fine now): no more retries counted for it.</summary>
    public void Forget(string file) => _retries.TryRemove(file, out _);

    /// <summary>Whether a file kept in processing/ may be tried now.</summary>
    public bool IsDue(string file) => !_retries.TryGetValue(file, out var retry) || retry.NotBefore <= timeProvider.GetUtcNow();

    public string Stamp() => timeProvider.GetLocalNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
}
