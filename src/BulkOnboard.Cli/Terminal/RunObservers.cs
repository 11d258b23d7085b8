using BulkOnboard.Delivery;
using BulkOnboard.Pipeline;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace BulkOnboard.Cli.Terminal;

/// <summary>
/// What delivery waits for, from what the sender's gate holds, and how long the rest should take
/// (<see cref="RunProgress.TimeLeft"/>, the run's one estimate: the rows of each kind still to send, at the
/// pace, under each kind's cap and hold).
/// </summary>
internal sealed class DeliveryStatus(RowSender? sender, TimeProvider timeProvider)
{
    private volatile string? _timeLeft;

    /// <summary>Where the run stands, from the moment it has started (<see cref="IRunObserver.Started"/>).</summary>
    public RunProgress? Progress { get; set; }

    /// <summary>What <see cref="TimeLeft"/> said last (the progress bar's column shows it between ticks).</summary>
    public string? LastTimeLeft => _timeLeft;

    /// <summary>"about 4.3 min left", or <c>null</c> when there is nothing to say (nothing left to send, or nothing known yet).</summary>
    public string? TimeLeft() => _timeLeft = Progress?.TimeLeft() is { } left
        ? left < TimeSpan.FromSeconds(1) ? "under 1 s left" : $"about {Durations.Describe(left)} left"
        : null;

    /// <summary>"waiting for the API's allowance (...): resumes 20:14:03, in 37 min", or <c>null</c> when nothing holds the run back.</summary>
    public string? Hold()
    {
        if (sender?.Hold is not { } hold)
        {
            return null;
        }

        var held = hold.Until - timeProvider.GetUtcNow();
        return $"{hold.Reason}: resumes {hold.Until.ToLocalTime():HH:mm:ss}, in {Durations.Describe(held)}";
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

    public virtual void Started(string inputPath, string description, RunProgress progress) => Status.Progress = progress;

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
    public override void Started(string inputPath, string description, RunProgress progress)
    {
        base.Started(inputPath, description, progress);
        task.MaxValue = Math.Max(1, progress.ExpectedRows);
        task.Description = $"[bold]{Terminal.ConsoleText.Escape(Path.GetFileName(inputPath))}[/]";
    }

    public override void RowFinished(RowResult result)
    {
        base.RowFinished(result);
        task.Increment(1);
        Show();
    }

    /// <summary>Every second: the time left again (the <see cref="TimeLeftColumn"/> shows it), and the counts and what the run waits for.</summary>
    protected override void Tick()
    {
        Status.TimeLeft();
        Show();
    }

    private void Show()
    {
        var (total, problems) = Read(counts => (counts.Total, counts[Outcome.Invalid] + counts[Outcome.Failed]));
        var hold = Status.Hold();
        if (total == 0 && hold is null)
        {
            return;
        }

        var text = problems == 0 ? $"{total} rows" : $"{total} rows, [red]{problems} need attention[/]";
        task.Description = hold is not null ? $"{text} [grey]({Terminal.ConsoleText.Escape(hold)})[/]" : text;
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
        var status = string.Join("; ", new[] { Status.Hold(), Status.TimeLeft() }.OfType<string>());
        logger.LogInformation(
            "Progress: {Rows} rows done ({Created} created, {Invited} invited, {Updated} updated, {Skipped} skipped, {Invalid} invalid, {Failed} failed){Status}",
            total, created, invited, updated, skipped, invalid, failed, status.Length == 0 ? string.Empty : "; " + status);
    }
}

/// <summary>The progress bar's time left: the run's own estimate (<see cref="DeliveryStatus.TimeLeft"/>), not an extrapolation of the bar's speed.</summary>
internal sealed class TimeLeftColumn(DeliveryStatus status) : ProgressColumn
{
    protected override bool NoWrap => true;

    public override Spectre.Console.Rendering.IRenderable Render(Spectre.Console.Rendering.RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
        new Text(task.IsFinished ? string.Empty : status.LastTimeLeft ?? string.Empty, new Style(Color.Blue));
}
