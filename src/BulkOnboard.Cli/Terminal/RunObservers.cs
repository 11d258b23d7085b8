using BulkOnboard.Delivery;
using BulkOnboard.Pipeline;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace BulkOnboard.Cli.Terminal;

/// <summary>What delivery waits for and how long the rest should take, from what the sender learned of the API's limits.</summary>
internal sealed class DeliveryStatus(RowSender? sender, TimeProvider timeProvider)
{
    /// <summary>The rows the run expects, from its first pass over the file (0 until it is known).</summary>
    public int TotalRows { get; set; }

    /// <summary>
    /// "waiting for the API's allowance (...): resumes 20:14, in 37 min; about 1.2 h left", or <c>null</c>
    /// when there is nothing to say (no wait, no limit known yet).
    /// </summary>
    public string? Describe(int rowsDone)
    {
        if (sender is null)
        {
            return null;
        }

        var now = timeProvider.GetUtcNow();
        var parts = new List<string>();
        var held = TimeSpan.Zero;
        if (sender.Hold is { } hold)
        {
            held = hold.Until - now;
            parts.Add($"{hold.Reason}: resumes {hold.Until.ToLocalTime():HH:mm:ss}, in {Durations.Describe(held)}");
        }

        var left = TotalRows - rowsDone;
        if (left > 0 && (held > TimeSpan.Zero || sender.ApiLimits.Count > 0) && sender.SustainedPerSecond > 0)
        {
            parts.Add($"about {Durations.Describe(held + TimeSpan.FromSeconds(left / sender.SustainedPerSecond))} left");
        }

        return parts.Count == 0 ? null : string.Join("; ", parts);
    }
}

/// <summary>
/// What both progress observers share: the outcomes counted so far, under a lock, and a timer that
/// reports them now and then, also while the run waits and no row finishes.
/// </summary>
internal abstract class TimedProgressObserver : IRunObserver, IDisposable
{
    private readonly OutcomeCounts _counts = new();
    private readonly Lock _lock = new();
    private readonly ITimer _timer;

    protected TimedProgressObserver(DeliveryStatus status, TimeProvider timeProvider, TimeSpan interval)
    {
        Status = status;
        _timer = timeProvider.CreateTimer(_ => Tick(), null, interval, interval);
    }

    protected DeliveryStatus Status { get; }

    public virtual void Started(string inputPath, string description, int expectedRows) => Status.TotalRows = expectedRows;

    public virtual void RowFinished(RowResult result)
    {
        lock (_lock)
        {
            _counts.Add(result);
        }
    }

    public void Dispose() => _timer.Dispose();

    /// <summary>Reads the counts under the lock.</summary>
    protected T Read<T>(Func<OutcomeCounts, T> read)
    {
        lock (_lock)
        {
            return read(_counts);
        }
    }

    /// <summary>What the timer does: show or log where the run stands.</summary>
    protected abstract void Tick();
}

/// <summary>Moves a Spectre.Console progress bar as rows finish (interactive terminals), and says what the run waits for.</summary>
internal sealed class ProgressBarObserver(ProgressTask task, DeliveryStatus status, TimeProvider timeProvider)
    : TimedProgressObserver(status, timeProvider, TimeSpan.FromSeconds(1))
{
    public override void Started(string inputPath, string description, int expectedRows)
    {
        base.Started(inputPath, description, expectedRows);
        task.MaxValue = Math.Max(1, expectedRows);
        task.Description = $"[bold]{Terminal.ConsoleText.Escape(Path.GetFileName(inputPath))}[/]";
    }

    public override void RowFinished(RowResult result)
    {
        base.RowFinished(result);
        task.Increment(1);
        Tick();
    }

    protected override void Tick()
    {
        var (total, problems) = Read(counts => (counts.Total, counts[Outcome.Invalid] + counts[Outcome.Failed]));
        if (total == 0 && Status.Describe(0) is null)
        {
            return;
        }

        var text = problems == 0 ? $"{total} rows" : $"{total} rows, [red]{problems} need attention[/]";
        task.Description = Status.Describe(total) is { } status ? $"{text} [grey]({Terminal.ConsoleText.Escape(status)})[/]" : text;
    }
}

/// <summary>Writes a progress line to the log now and then (scheduled tasks, redirected output), also while the run waits.</summary>
internal sealed class ProgressLogObserver(ILogger logger, DeliveryStatus status, TimeProvider timeProvider, TimeSpan interval)
    : TimedProgressObserver(status, timeProvider, interval)
{
    protected override void Tick()
    {
        var (total, created, invited, updated, skipped, invalid, failed) = Read(counts => (counts.Total, counts[Outcome.Created], counts[Outcome.Invited],
            counts[Outcome.Updated], counts[Outcome.Skipped], counts[Outcome.Invalid], counts[Outcome.Failed]));
        var status = Status.Describe(total);
        logger.LogInformation(
            "Progress: {Rows} rows done ({Created} created, {Invited} invited, {Updated} updated, {Skipped} skipped, {Invalid} invalid, {Failed} failed){Status}",
            total, created, invited, updated, skipped, invalid, failed, status is null ? string.Empty : "; " + status);
    }
}
