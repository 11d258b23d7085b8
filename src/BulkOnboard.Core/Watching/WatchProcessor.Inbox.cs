using BulkOnboard.Pipeline;
using BulkOnboard.Reporting;
using Microsoft.Extensions.Logging;

namespace BulkOnboard.Watching;

/// <summary>What waits for the service: files in the inbox, files in processing/ whose retry time came, and the status file.</summary>
internal sealed partial class WatchProcessor
{
    /// <summary>A scanner for the inbox that passes over the service's own entries, which may live there (<see cref="WatchFolders.Own"/>).</summary>
    public InboxScanner CreateScanner() => new(watchOptions.Value.SettleTime, timeProvider, Folders.Own);

    public (IReadOnlyList<FileInfo> Ready, bool Settling) Scan(InboxScanner scanner)
    {
        var result = scanner.Scan(Folders.Inbox);
        Status.Scanned(timeProvider.GetLocalNow());
        return result;
    }

    /// <summary>Files waiting in the inbox, by the scanner's rules (not the status file, nor temporary or hidden files).</summary>
    public int Waiting() => Directory.Exists(Folders.Inbox) ? InboxScanner.Candidates(Folders.Inbox, Folders.Own).Count() : 0;

    /// <summary>
    /// Files in processing/ that no import has in hand and whose retry time has come (a journal that was
    /// locked or unusable, the API down): looked at on every scan, not only at start-up.
    /// </summary>
    public IReadOnlyList<FileInfo> DueInProcessing() =>
        [.. InboxScanner.Candidates(Folders.Processing).Where(f => !_inProgress.ContainsKey(f.FullName) && Filing.IsDue(f.FullName))];

    /// <summary>Writes <c>status.json</c>; a failure is logged, never fatal.</summary>
    public void WriteStatus()
    {
        try
        {
            Status.WriteTo(Folders.StatusFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not write the status file {Path}: {Message}", Folders.StatusFile, ex.Message);
        }
    }

    /// <summary>Counts rows for the status file.</summary>
    private sealed class StatusObserver(WatchStatus status) : IRunObserver
    {
        public void Started(string inputPath, string description, RunProgress progress)
        {
        }

        public void RowFinished(RowResult result) => status.RowDone();
    }
}
