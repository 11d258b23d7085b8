using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BulkOnboard.Watching;

/// <summary>
/// <c>bulkonboard watch</c> as a service: resumes processing/, then imports inbox files as they settle,
/// woken by file-system events and by a periodic scan (events are missed on network shares).
/// Writes a heartbeat to the log and the status file every minute.
/// </summary>
internal sealed class WatchService(WatchProcessor processor, IOptions<WatchOptions> options, TimeProvider timeProvider, ILogger<WatchService> logger) : BackgroundService
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
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
        while (!stoppingToken.IsCancellationRequested)
        {
            var settling = false;
            try
            {
                (var ready, settling) = processor.Scan(scanner);
                foreach (var file in ready)
                {
                    await processor.ProcessAsync(file.FullName, stoppingToken);
                    if (stoppingToken.IsCancellationRequested)
                    {
                        return;
                    }
                }
            }
            catch (IOException ex)
            {
                // A missing or unreachable inbox (a network share gone away) is retried, not fatal.
                logger.LogError("Scanning {Inbox} failed: {Message}", folders.Inbox, ex.Message);
                processor.Status.Error(ex.Message, timeProvider.GetLocalNow());
            }

            if (timeProvider.GetElapsedTime(lastHeartbeat) >= Heartbeat)
            {
                lastHeartbeat = timeProvider.GetTimestamp();
                logger.LogInformation("Watching {Inbox}: {Done} files done, {Failed} failed", folders.Inbox, processor.Status.FilesDone, processor.Status.FilesFailed);
                processor.WriteStatus();
            }

            // A settling file is looked at again soon; otherwise wait for an event or the next scan.
            var wait = settling ? TimeSpan.FromMilliseconds(Math.Min(1000, Math.Max(100, options.Value.SettleTime.TotalMilliseconds / 4))) : options.Value.ScanInterval;
            try
            {
                await wake.WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
