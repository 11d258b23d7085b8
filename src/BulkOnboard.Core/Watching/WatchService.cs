using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BulkOnboard.Watching;

/// <summary>
/// <c>bulkonboard watch</c> as a service: resumes processing/, then imports inbox files as they settle,
/// woken by file-system events and by a periodic scan (events are missed on network shares).
/// Writes a heartbeat to the log and the status file every minute. One file's problem never stops it
/// (<see cref="WatchProcessor"/> files it, or keeps it to retry); a fault of the service itself is logged,
/// notified, recorded in <see cref="WatchProcessor.ServiceFault"/> and stops the host, and the command
/// exits non-zero so that systemd (<c>Restart=on-failure</c>) or the Windows service manager restarts it.
/// </summary>
internal sealed class WatchService(WatchProcessor processor, IOptions<WatchOptions> options, TimeProvider timeProvider, ILogger<WatchService> logger,
    Reporting.RunNotifier notifier, IHostApplicationLifetime? lifetime = null, IOptions<Configuration.DatesOptions>? datesOptions = null,
    IOptions<Configuration.SyncOptions>? syncOptions = null, ApprovalPrompts? prompts = null) : BackgroundService
{
    private readonly StalenessWatch _staleness = new(options.Value.ExpectFileEvery, timeProvider.GetUtcNow());

    private static readonly TimeSpan Heartbeat = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await WatchUntilStoppedAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // A shutdown.
        }
        catch (Exception ex)
        {
            processor.ServiceFault = $"{ex.GetType().Name}: {ex.Message}";
            logger.LogCritical(ex, "The watch service stopped: {Fault}", processor.ServiceFault);
            processor.Status.Error($"the service stopped: {processor.ServiceFault}", timeProvider.GetLocalNow());
            processor.WriteStatus();
            await notifier.AlertAsync(new Reporting.RunReport("service_stopped", processor.Folders.Inbox, "watch", Reporting.ExitCodes.Aborted, 0, new Dictionary<string, int>(),
                $"the watch service stopped ({processor.ServiceFault}); it exits with code {Reporting.ExitCodes.Aborted} for its service manager to restart it", null, null, null, null), CancellationToken.None);
            lifetime?.StopApplication();
        }
    }

    private async Task WatchUntilStoppedAsync(CancellationToken stoppingToken)
    {
        var folders = processor.Folders;
        folders.Create();
        logger.LogInformation("Watching {Inbox}; done/ {Done}, failed/ {Failed}, reports {Reports}", folders.Inbox, folders.Done, folders.Failed, folders.Reports);
        await processor.ResumeAsync(stoppingToken);

        using var wake = new SemaphoreSlim(0, 1);
        using var watcher = new FileSystemWatcher(folders.Inbox)
        {
            IncludeSubdirectories = false,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
        };
        void Wake(object? sender, EventArgs e)
        {
            if (wake.CurrentCount == 0)
            {
                try
                {
                    wake.Release();
                }
                catch (SemaphoreFullException)
                {
                    // Already awake.
                }
            }
        }

        watcher.Created += Wake;
        watcher.Changed += Wake;
        watcher.Renamed += Wake;
        watcher.EnableRaisingEvents = true;

        var scanner = processor.CreateScanner();
        var lastHeartbeat = timeProvider.GetTimestamp();
        var running = new List<Task<int>>();
        try
        {
            await WatchAsync(scanner, wake, running, lastHeartbeat, stoppingToken);
        }
        finally
        {
            // Files still being imported (and a check of dated actions) finish, or stop with the host's shutdown, before the service does.
            await Task.WhenAll([.. running, _dueCheck]);
        }
    }

    private Task<int> _dueCheck = Task.FromResult(0);

    // Open approval tasks are read every Sync:Approval:PollEvery (so a decision is acted on within one interval, webhooks or
    // not), backing off to 16 times that while they cannot be read; a webhook of this organization (ApprovalPrompts)
    // prompts a read at once.
    private Task<bool> _approvalCheck = Task.FromResult(false);
    private long _lastApprovalCheck;
    private int _approvalBackOff = 1;

    private TimeSpan ApprovalEvery => (syncOptions?.Value.Approval.PollEvery ?? TimeSpan.FromMinutes(1)) * _approvalBackOff;

    private bool ApprovalsOn => syncOptions?.Value.Approval.IsOn == true;

    private static readonly TimeSpan PromptedAtMost = TimeSpan.FromSeconds(5);

    private TimeSpan CheckEvery => datesOptions?.Value.CheckEvery ?? TimeSpan.FromMinutes(15);

    private async Task WatchAsync(InboxScanner scanner, SemaphoreSlim wake, List<Task<int>> running, long lastHeartbeat, CancellationToken stoppingToken)
    {
        var folders = processor.Folders;
        var lastDueCheck = timeProvider.GetTimestamp() - (long)(CheckEvery.TotalSeconds * timeProvider.TimestampFrequency);

        // Named sources with Every are polled beside the inbox, each on its own schedule (first at start).
        var polled = processor.PolledSources.ToDictionary(s => s.Name!, s => (Every: s.Every!.Value, Last: (long?)null, Run: (Task<int>?)null));
        while (!stoppingToken.IsCancellationRequested)
        {
            var settling = false;
            try
            {
                running.RemoveAll(t => t.IsCompleted);

                // processing/ first, on every scan: a file kept there to retry (a locked journal, the API down) goes again when its time comes.
                foreach (var kept in processor.DueInProcessing())
                {
                    if (running.Count >= processor.FilesAtOnce || stoppingToken.IsCancellationRequested)
                    {
                        break;
                    }

                    running.Add(processor.ResumeInBackgroundAsync(kept.FullName, stoppingToken));
                }

                (var ready, settling) = processor.Scan(scanner);
                foreach (var file in ready)
                {
                    // Side by side (Watch:ParallelFiles): a file waiting on a cap never holds the next one.
                    if (running.Count >= processor.FilesAtOnce || stoppingToken.IsCancellationRequested)
                    {
                        break;
                    }

                    running.Add(processor.StartAsync(file.FullName, stoppingToken));
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A missing or unreachable inbox (a network share gone away) is retried, not fatal.
                logger.LogError("Scanning {Inbox} failed: {Message}", folders.Inbox, ex.Message);
                processor.Status.Error(ex.Message, timeProvider.GetLocalNow());
            }

            var untilPoll = options.Value.ScanInterval;
            foreach (var (name, poll) in polled.ToList())
            {
                var since = poll.Last is { } last ? timeProvider.GetElapsedTime(last) : poll.Every;
                if (since >= poll.Every && poll.Run is not { IsCompleted: false } && !stoppingToken.IsCancellationRequested)
                {
                    var run = processor.PollAsync(name, stoppingToken);
                    polled[name] = (poll.Every, timeProvider.GetTimestamp(), run);
                    running.Add(run);
                    since = TimeSpan.Zero;
                }

                untilPoll = poll.Every - since < untilPoll ? poll.Every - since : untilPoll;
            }

            if (_staleness.Check(processor.LastFileAt, timeProvider.GetUtcNow()) is { } overdue)
            {
                logger.LogWarning("No file arrived in {Inbox} for {Period} (Watch:ExpectFileEvery)", folders.Inbox, overdue);
                await notifier.AlertStaleAsync(folders.Inbox, overdue, processor.LastFileAt, stoppingToken);
            }

            // Dated actions come due on the clock, not with a file (Dates:CheckEvery).
            // One check at a time, apart from the files: a check waiting on a cap never takes a file's place.
            if (timeProvider.GetElapsedTime(lastDueCheck) >= CheckEvery && !stoppingToken.IsCancellationRequested && _dueCheck.IsCompleted)
            {
                lastDueCheck = timeProvider.GetTimestamp();
                _dueCheck = Task.Run(() => processor.CarryOutDueAsync(stoppingToken), CancellationToken.None);
            }

            if (ApprovalsOn && _approvalCheck.IsCompleted && !stoppingToken.IsCancellationRequested)
            {
                // A webhook prompts a read, but never more than one every 5 seconds (anyone who knows the organization's id can send one).
                var prompted = prompts?.Take() == true && timeProvider.GetElapsedTime(_lastApprovalCheck) >= PromptedAtMost;
                if (prompted || _lastApprovalCheck == 0 || timeProvider.GetElapsedTime(_lastApprovalCheck) >= ApprovalEvery)
                {
                    var read = _lastApprovalCheck == 0 || (_approvalCheck.IsCompletedSuccessfully && _approvalCheck.Result);
                    _approvalBackOff = read || prompted ? 1 : Math.Min(16, _approvalBackOff * 2);
                    _lastApprovalCheck = timeProvider.GetTimestamp();
                    _approvalCheck = Task.Run(() => processor.CheckApprovalsAsync(stoppingToken), CancellationToken.None);
                }
            }

            if (timeProvider.GetElapsedTime(lastHeartbeat) >= Heartbeat)
            {
                lastHeartbeat = timeProvider.GetTimestamp();
                logger.LogInformation("Watching {Inbox}: {Done} files done, {Failed} failed", folders.Inbox, processor.Status.FilesDone, processor.Status.FilesFailed);
                processor.WriteStatus();
            }

            // A settling file is looked at again soon; otherwise wait for an event or the next scan.
            var wait = settling ? TimeSpan.FromMilliseconds(Math.Min(1000, Math.Max(100, options.Value.SettleTime.TotalMilliseconds / 4))) : options.Value.ScanInterval;
            wait = untilPoll < wait ? (untilPoll > TimeSpan.Zero ? untilPoll : TimeSpan.FromMilliseconds(1)) : wait;
            var untilDue = CheckEvery - timeProvider.GetElapsedTime(lastDueCheck);
            wait = untilDue < wait ? (untilDue > TimeSpan.Zero ? untilDue : TimeSpan.FromMilliseconds(1)) : wait;
            if (ApprovalsOn)
            {
                // A webhook's prompt is looked at within a second.
                var untilApprovals = ApprovalEvery - timeProvider.GetElapsedTime(_lastApprovalCheck);
                wait = TimeSpan.FromMilliseconds(Math.Max(1, Math.Min(Math.Min(wait.TotalMilliseconds, untilApprovals.TotalMilliseconds), 1000)));
            }
            try
            {
                // A file finishing frees a place: look at the inbox again at once.
                await Task.WhenAny([WaitAsync(wake, wait, stoppingToken), .. running]);
                stoppingToken.ThrowIfCancellationRequested();
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Waits for a file-system event or <paramref name="wait"/> on the service's clock (fake time in tests).</summary>
    private async Task WaitAsync(SemaphoreSlim wake, TimeSpan wait, CancellationToken stoppingToken)
    {
        using var timeout = new CancellationTokenSource(wait, timeProvider);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stoppingToken);
        try
        {
            await wake.WaitAsync(either.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The wait is over: scan again.
        }
    }
}

/// <summary>
/// <c>Watch:ExpectFileEvery</c>: says once per period when no file has arrived in it (counted from the
/// last file, or from the start).
/// </summary>
internal sealed class StalenessWatch(TimeSpan? every, DateTimeOffset startedAt)
{
    private DateTimeOffset _since = startedAt;

    /// <summary>The period overdue, once per period without a file; otherwise <c>null</c>.</summary>
    public TimeSpan? Check(DateTimeOffset? lastFileAt, DateTimeOffset now)
    {
        if (every is not { } period || period <= TimeSpan.Zero)
        {
            return null;
        }

        if (lastFileAt is { } last && last > _since)
        {
            _since = last;
        }

        if (now - _since < period)
        {
            return null;
        }

        _since = now;
        return period;
    }
}
