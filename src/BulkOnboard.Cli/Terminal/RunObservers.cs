using BulkOnboard.Pipeline;
using BulkOnboard.Reporting;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace BulkOnboard.Cli.Terminal;

/// <summary>Moves a Spectre.Console progress bar as rows finish (interactive terminals).</summary>
internal sealed class ProgressBarObserver(ProgressTask task) : IRunObserver
{
    private readonly OutcomeCounts _counts = new();

    public void Started(string inputPath, string description) => task.Description = $"[bold]{Markup.Escape(Path.GetFileName(inputPath))}[/]";

    public void RowFinished(RowResult result)
    {
        _counts.Add(result);
        task.Increment(1);
        var problems = _counts[Outcome.Invalid] + _counts[Outcome.Failed];
        task.Description = problems == 0
            ? $"{_counts.Total} rows"
            : $"{_counts.Total} rows, [red]{problems} need attention[/]";
    }
}

/// <summary>Writes a progress line to the log now and then (scheduled tasks, redirected output).</summary>
internal sealed class ProgressLogObserver(ILogger logger, TimeProvider timeProvider, TimeSpan interval) : IRunObserver
{
    private readonly OutcomeCounts _counts = new();
    private long _lastReport = timeProvider.GetTimestamp();

    public void Started(string inputPath, string description)
    {
    }

    public void RowFinished(RowResult result)
    {
        _counts.Add(result);
        if (timeProvider.GetElapsedTime(_lastReport) < interval)
        {
            return;
        }

        _lastReport = timeProvider.GetTimestamp();
        logger.LogInformation(
            "Progress: {Rows} rows done ({Created} created, {Invited} invited, {Skipped} skipped, {Invalid} invalid, {Failed} failed)",
            _counts.Total, _counts[Outcome.Created], _counts[Outcome.Invited], _counts[Outcome.Skipped], _counts[Outcome.Invalid], _counts[Outcome.Failed]);
    }
}
