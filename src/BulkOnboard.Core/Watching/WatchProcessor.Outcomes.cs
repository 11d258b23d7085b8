using System.Globalization;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;
using Microsoft.Extensions.Logging;

namespace BulkOnboard.Watching;

/// <summary>How a watched file ends when it does not end in done/: filed under failed/ with why, or kept in processing/ to retry.</summary>
internal sealed partial class WatchProcessor
{
    /// <summary>Files the file under failed/ with why; when even that is refused, it stays in processing/ to be tried again.</summary>
    private async Task<int> FailAsync(string file, string why, int exitCode, RunSummary? summary)
    {
        var name = Path.GetFileName(file);
        string moved;
        try
        {
            moved = Filing.FileAsFailed(file, why);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return await KeepToRetryAsync(file, $"{why}; it could not be filed under failed/ either ({ex.Message})", exitCode);
        }

        Finished(name, "failed", exitCode, why, summary, 0);
        logger.LogError("{File} cannot be imported: {Message}; moved to {Destination}", name, why, moved);
        await notifier.AlertAsync(new RunReport("file_failed", name, Command, exitCode, summary?.Total ?? 0, summary is null ? new Dictionary<string, int>() : RunReport.Of(summary).Counts,
            $"{why}; the file is in {Folders.Failed}", summary?.Reports?.Results, summary?.Reports?.Failed, summary?.Reports?.Summary, summary?.RunId), CancellationToken.None);
        return exitCode;
    }

    /// <summary>Leaves the file in processing/, to be tried again on a later scan; the first time, says so in a notification.</summary>
    private async Task<int> KeepToRetryAsync(string file, string why, int exitCode)
    {
        var name = Path.GetFileName(file);
        var (notBefore, first) = Filing.RetryLater(file);
        var now = timeProvider.GetLocalNow();
        Status.Error(why, now);
        LastFile = new LastFileOutcome(name, now, "waiting", exitCode);
        logger.LogWarning("{File} waits in processing/ and is tried again from {At:u}: {Message}", name, notBefore, why);
        if (first)
        {
            await notifier.AlertAsync(new RunReport("file_waits", name, Command, exitCode, 0, new Dictionary<string, int>(),
                $"{why}; the file stays in {Folders.Processing} and is tried again from {notBefore.ToString("u", CultureInfo.InvariantCulture)}", null, null, null, null), CancellationToken.None);
        }

        return exitCode;
    }

    /// <param name="endedAt">When the file's run ended (before it was moved): files side by side are told apart by it, not by who records last.</param>
    private void Finished(string name, string outcome, int exitCode, string? error, RunSummary? summary, double pace, DateTimeOffset? endedAt = null)
    {
        var failed = outcome == "failed";
        var at = endedAt ?? timeProvider.GetLocalNow();
        Status.Finished(name, failed, error, at);
        metrics.FileFinished(summary, failed, timeProvider.GetUtcNow(), pace);
        lock (_lastFileLock)
        {
            LastSuccessAt = failed ? LastSuccessAt : timeProvider.GetUtcNow();
            if (LastFile is null || at >= LastFile.At)
            {
                LastFile = new LastFileOutcome(name, at, outcome, exitCode);
            }
        }
    }

    private readonly Lock _lastFileLock = new();
}

/// <summary>How the last file handled ended: <c>done</c>, <c>failed</c>, or <c>waiting</c> in processing/ to be tried again.</summary>
internal sealed record LastFileOutcome(string Name, DateTimeOffset At, string Outcome, int ExitCode);
