using BulkOnboard.Delivery;
using BulkOnboard.Pipeline;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace BulkOnboard.Cli.Terminal;

/// <summary>What delivery waits for and how long the rest should take, from what the sender learned of the API's limits.</summary>
internal sealed class DeliveryStatus(RowSender? sender, int totalRows, TimeProvider timeProvider)
{
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

        var left = totalRows - rowsDone;
        if (left > 0 && (held > TimeSpan.Zero || sender.ApiLimits.Count > 0) && sender.SustainedPerSecond > 0)
        {
            parts.Add($"about {Durations.Describe(held + TimeSpan.FromSeconds(left / sender.SustainedPerSecond))} left");
        }

        return parts.Count == 0 ? null : string.Join("; ", parts);
    }
}

/// <summary>Moves a Spectre.Console progress bar as rows finish (interactive terminals), and says what the run waits for.</summary>
internal sealed class ProgressBarObserver : IRunObserver, IDisposable
{
    private readonly ProgressTask _task;
    private readonly DeliveryStatus _status;
    private readonly OutcomeCounts _counts = new();
    private readonly Lock _lock = new();
    private readonly ITimer _timer;

    public ProgressBarObserver(ProgressTask task, DeliveryStatus status, TimeProvider timeProvider)
    {
        (_task, _status) = (task, status);
        _timer = timeProvider.CreateTimer(_ => Refresh(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public void Started(string inputPath, string description) => _task.Description = $"[bold]{Terminal.ConsoleText.Escape(Path.GetFileName(inputPath))}[/]";

    public void RowFinished(RowResult result)
    {
        lock (_lock)
        {
            _counts.Add(result);
        }

        _task.Increment(1);
        Refresh();
    }

    public void Dispose() => _timer.Dispose();

    private void Refresh()
    {
        int total, problems;
        lock (_lock)
        {
            (total, problems) = (_counts.Total, _counts[Outcome.Invalid] + _counts[Outcome.Failed]);
        }

        if (total == 0 && _status.Describe(0) is null)
        {
            return;
        }

        var text = problems == 0 ? $"{total} rows" : $"{total} rows, [red]{problems} need attention[/]";
        _task.Description = _status.Describe(total) is { } status ? $"{text} [grey]({Terminal.ConsoleText.Escape(status)})[/]" : text;
    }
}

/// <summary>Writes a progress line to the log now and then (scheduled tasks, redirected output), also while the run waits.</summary>
internal sealed class ProgressLogObserver : IRunObserver, IDisposable
{
    private readonly ILogger _logger;
    private readonly DeliveryStatus _status;
    private readonly OutcomeCounts _counts = new();
    private readonly Lock _lock = new();
    private readonly ITimer _timer;

    public ProgressLogObserver(ILogger logger, DeliveryStatus status, TimeProvider timeProvider, TimeSpan interval)
    {
        (_logger, _status) = (logger, status);
        _timer = timeProvider.CreateTimer(_ => Report(), null, interval, interval);
    }

    public void Started(string inputPath, string description)
    {
    }

    public void RowFinished(RowResult result)
    {
        lock (_lock)
        {
            _counts.Add(result);
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Report()
    {
        int total, created, invited, updated, skipped, invalid, failed;
        lock (_lock)
        {
            (total, created, invited, updated) = (_counts.Total, _counts[Outcome.Created], _counts[Outcome.Invited], _counts[Outcome.Updated]);
            (skipped, invalid, failed) = (_counts[Outcome.Skipped], _counts[Outcome.Invalid], _counts[Outcome.Failed]);
        }

        var status = _status.Describe(total);
        _logger.LogInformation(
            "Progress: {Rows} rows done ({Created} created, {Invited} invited, {Updated} updated, {Skipped} skipped, {Invalid} invalid, {Failed} failed){Status}",
            total, created, invited, updated, skipped, invalid, failed, status is null ? string.Empty : "; " + status);
    }
}
