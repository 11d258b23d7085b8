using System.Collections.Concurrent;
using System.Globalization;
using BulkOnboard.Configuration;
using BulkOnboard.Delivery;
using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Pipeline;
using BulkOnboard.Reporting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BulkOnboard.Watching;

/// <summary>
/// Imports watched-folder files (side by side, <c>Watch:ParallelFiles</c>): a file moves to processing/,
/// runs through the same pipeline (journal included), and moves to done/ (exit 0 or 2) or failed/
/// (unreadable, the run aborted, or any fault in its processing, with why), renamed with a timestamp so
/// names never collide. A shutdown leaves the file in processing/, where the next start resumes it first;
/// a file that met a locked or unusable journal, or an API that was down, stays there and is tried again.
/// </summary>
internal sealed partial class WatchProcessor(
    ImportRunner runner,
    IServiceProvider services,
    IOptions<WatchOptions> watchOptions,
    IOptions<JournalOptions> journalOptions,
    IOptions<TallyfyOptions> tallyfyOptions,
    IOptions<ImportOptions> importOptions,
    TimeProvider timeProvider,
    ILogger<WatchProcessor> logger,
    RunNotifier notifier,
    RunMetrics metrics)
{
    /// <summary>When the last file was taken (for <c>Watch:ExpectFileEvery</c>).</summary>
    public DateTimeOffset? LastFileAt { get; private set; }

    /// <summary>When a file last finished without being aborted.</summary>
    public DateTimeOffset? LastSuccessAt { get; private set; }

    /// <summary>The last file handled: its name, when, and how it ended (<c>done</c>, <c>failed</c>, <c>waiting</c> in processing/ to retry).</summary>
    public LastFileOutcome? LastFile { get; private set; }

    /// <summary>Why the service itself stopped (not one file's problem), once it has; the command then exits non-zero.</summary>
    public string? ServiceFault { get; set; }

    /// <summary>Where files go, and which wait in processing/ to be tried again.</summary>
    public WatchFiling Filing { get; } = new(watchOptions.Value.Resolve(), watchOptions.Value.ScanInterval, timeProvider);

    // The processing/ files an import has in hand now.
    private readonly ConcurrentDictionary<string, byte> _inProgress = new(StringComparer.Ordinal);

    public WatchFolders Folders { get; } = watchOptions.Value.Resolve();

    public WatchStatus Status { get; } = new();

    /// <summary>How many files may be imported side by side (<see cref="WatchOptions.FilesAtOnce"/>).</summary>
    public int FilesAtOnce => watchOptions.Value.FilesAtOnce;

    /// <summary>
    /// <c>watch --once</c>: resumes processing/, then imports what is in the inbox (waiting for files
    /// still being written to settle) and returns the most severe exit code (ExitCodes.MoreSevere: 1 before 2), 0 for none.
    /// </summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        Folders.Create();
        var worst = await ResumeAsync(cancellationToken);
        var scanner = CreateScanner();
        var running = new List<Task<int>>();
        while (!cancellationToken.IsCancellationRequested)
        {
            var (ready, settling) = Scan(scanner);
            var taken = 0;
            foreach (var file in ready)
            {
                if (running.Count(t => !t.IsCompleted) >= FilesAtOnce || cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                running.Add(StartAsync(file.FullName, cancellationToken));
                taken++;
            }

            if (taken == 0 && ready.Count == 0 && !settling && running.All(t => t.IsCompleted))
            {
                break;
            }

            // Wait for a file to finish (a place frees) or a settling file to settle.
            var wait = Task.Delay(TimeSpan.FromMilliseconds(250), timeProvider, cancellationToken).ContinueWith(_ => 0, TaskScheduler.Default);
            await Task.WhenAny([wait, .. running.Where(t => !t.IsCompleted)]);
        }

        foreach (var result in await Task.WhenAll(running))
        {
            worst = ExitCodes.MoreSevere(worst, result);
        }

        // Named sources with Sources:<name>:Every are fetched once per --once run; an unchanged one is skipped.
        foreach (var source in PolledSources)
        {
            worst = ExitCodes.MoreSevere(worst, await PollAsync(source.Name!, cancellationToken));
        }

        // A scheduler's run also carries out the dated actions that have come due.
        worst = ExitCodes.MoreSevere(worst, await CarryOutDueAsync(cancellationToken));

        WriteStatus();
        return worst;
    }

    /// <summary>Imports the files a crash or a shutdown left in processing/; returns the worst exit code.</summary>
    public async Task<int> ResumeAsync(CancellationToken cancellationToken)
    {
        var worst = ExitCodes.Success;
        foreach (var file in InboxScanner.Candidates(Folders.Processing))
        {
            logger.LogInformation("Resuming {File}, left in processing/ by an earlier run", file.Name);
            worst = ExitCodes.MoreSevere(worst, await BeginAsync(file.FullName, cancellationToken, background: false));
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        return worst;
    }

    /// <summary>
    /// Moves an inbox file to processing/ now (the next scan no longer sees it) and imports it in the
    /// background, beside the others (<see cref="FilesAtOnce"/>); the task gives its exit code.
    /// </summary>
    public Task<int> StartAsync(string inboxFile, CancellationToken cancellationToken) =>
        Take(inboxFile) is { } processing ? BeginAsync(processing, cancellationToken, background: true) : Task.FromResult(ExitCodes.Success);

    /// <summary>Imports a file already in processing/ in the background (<see cref="DueInProcessing"/>).</summary>
    public Task<int> ResumeInBackgroundAsync(string processingFile, CancellationToken cancellationToken) =>
        BeginAsync(processingFile, cancellationToken, background: true);

    private Task<int> BeginAsync(string processing, CancellationToken cancellationToken, bool background)
    {
        if (!_inProgress.TryAdd(processing, 0))
        {
            return Task.FromResult(ExitCodes.Success);
        }

        return background ? Task.Run(() => ImportAsync(processing, cancellationToken), CancellationToken.None) : ImportAsync(processing, cancellationToken);
    }

    private string? Take(string inboxFile)
    {
        try
        {
            return Filing.MoveTo(inboxFile, Folders.Processing, stamp: false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Taken by someone else, or still locked: the next scan sees it again.
            logger.LogWarning("Could not take {File}: {Message}", Path.GetFileName(inboxFile), ex.Message);
            return null;
        }
    }

    /// <summary>
    /// Imports one file and files it. Whatever happens in it stays with this file: it goes to done/ or
    /// failed/ (with why), or stays in processing/ to be tried again when that is right; nothing here
    /// stops the service.
    /// </summary>
    private async Task<int> ImportAsync(string file, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(file);
        Status.Started(name, timeProvider.GetLocalNow());
        LastFileAt = timeProvider.GetUtcNow();
        WriteStatus();
        logger.LogInformation(watchOptions.Value.IsSync ? "Syncing {File} (the full roster, within the guards)" : "Importing {File}", name);
        try
        {
            var seen = Written(file);
            var sender = services.GetRequiredService<RowSender>();
            var summary = await RunAsync(file, sender, cancellationToken);
            for (var again = 0; again < MaxRunsAgain && !cancellationToken.IsCancellationRequested && Written(file) is var now && now != seen; again++)
            {
                // A writer went on after the file was taken: the rows it added are run too; the journal keeps those already sent from going twice.
                logger.LogWarning("{File} changed while it was processed ({Before} bytes, now {After}): processed again", name, seen.Length, now.Length);
                seen = now;
                sender = services.GetRequiredService<RowSender>();
                summary = await RunAsync(file, sender, cancellationToken);
            }

            if (cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Stopped while importing {File}: it stays in processing/ and is resumed first at the next start", name);
                return summary.ExitCode;
            }

            if (summary.ExitCode == ExitCodes.Aborted && sender.Gate.IsPastGiveUp)
            {
                // The API was down, not the file wrong: the journal makes the next try send only what is left.
                return await KeepToRetryAsync(file, $"the run stopped because the API was down ({summary.StoppedBecause})", summary.ExitCode);
            }

            var failed = summary.ExitCode == ExitCodes.Aborted;
            var folder = failed ? Folders.Failed : Folders.Done;
            var endedAt = timeProvider.GetLocalNow();
            string moved;
            try
            {
                moved = Filing.MoveTo(file, folder, stamp: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return await FailAsync(file, $"imported (exit code {summary.ExitCode}, reports in {Folders.Reports}) but it could not be moved to {folder}: {ex.Message}", summary.ExitCode, summary);
            }

            Filing.Forget(file);
            Finished(name, failed ? "failed" : "done", summary.ExitCode, summary.StoppedBecause, summary, sender.SustainedPerSecond, endedAt);
            logger.LogInformation("{File}: exit code {ExitCode}, moved to {Destination}", name, summary.ExitCode, moved);
            await notifier.NotifyAsync(RunReport.Of(summary) with { File = name }, CancellationToken.None);
            return summary.ExitCode;
        }
        catch (InputException ex) when (ex.RetryLater && !cancellationToken.IsCancellationRequested)
        {
            return await KeepToRetryAsync(file, ex.Message, ExitCodes.Aborted);
        }
        catch (InputException ex)
        {
            // One bad file never stops the service: it is filed away with a report saying why.
            return await FailAsync(file, ex.Message, ExitCodes.NothingSent, null);
        }
        catch (JournalLockedException ex)
        {
            return await KeepToRetryAsync(file, ex.Message, ExitCodes.JournalLocked);
        }
        catch (Exception ex) when (ex is JournalUnavailableException or OptionsValidationException or Microsoft.Data.Sqlite.SqliteException)
        {
            // Not the file's fault: the journal or the settings. The file waits for them.
            return await KeepToRetryAsync(file, ex.Message, ExitCodes.NothingSent);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Stopped while importing {File}: it stays in processing/ and is resumed first at the next start", name);
            return ExitCodes.Aborted;
        }
        catch (Exception ex)
        {
            // A fault in this file's processing (a bug, an invariant, a move refused): filed with why; the service goes on.
            logger.LogError(ex, "{File}: unexpected {Type}", name, ex.GetType().Name);
            return await FailAsync(file, $"unexpected {ex.GetType().Name}: {ex.Message}", ExitCodes.Aborted, null);
        }
        finally
        {
            _inProgress.TryRemove(file, out _);
            Status.Left(name, timeProvider.GetLocalNow());
            WriteStatus();

            // A long-running service between two files: give the memory of the last import back to the
            // operating system, so the service's footprint does not ratchet up with every large file.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
    }

    /// <summary>How often a file that keeps changing while it is processed is run again before it is filed.</summary>
    private const int MaxRunsAgain = 3;

    /// <summary>A file's size and last write, to tell whether it changed while it was processed.</summary>
    private static (long Length, DateTime Written) Written(string file)
    {
        var info = new FileInfo(file);
        return info.Exists ? (info.Length, info.LastWriteTimeUtc) : (-1, default);
    }

    private string Command => watchOptions.Value.IsSync ? "sync" : "import";

    /// <summary>Runs one local file as <c>Watch:Mode</c> says: an import, or a roster applied within the guards.</summary>
    private async Task<RunSummary> RunAsync(string file, RowSender sender, CancellationToken cancellationToken)
    {
        // Files side by side (import mode) share one hold on the journal's lock; a roster holds it alone.
        var request = JournalRequest.For(journalOptions.Value, tallyfyOptions.Value, importOptions.Value.Force);
        var journal = request is not null && !watchOptions.Value.IsSync ? request with { ShareWithinProcess = true } : request;
        return watchOptions.Value.IsSync
            ? (await services.GetRequiredService<SyncRunner>().RunAsync(SyncMode.PlanAndApply, file, null,
                journal ?? throw new InputException("Watch:Mode=sync needs the journal (Journal:Enabled=true): it knows whom BulkOnboard onboarded"),
                sender, Folders.Reports, cancellationToken)).Summary
            : await runner.RunAsync(new RunRequest(file, RunMode.Import, journal, Folders.Reports), sender, new StatusObserver(Status), cancellationToken);
    }
}
