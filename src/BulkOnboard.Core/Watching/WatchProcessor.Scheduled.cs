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

/// <summary>What the watch service runs on its own clock, without a file dropped: dated actions that come due, and named sources it polls.</summary>
internal sealed partial class WatchProcessor
{
    /// <summary>
    /// Reads the open approval tasks and acts on their decisions (<see cref="ApprovalRunner"/>), with <c>Sync:Approval:Approvers</c>;
    /// whether they could be read (a failure leaves the poll backing off).
    /// </summary>
    public async Task<bool> CheckApprovalsAsync(CancellationToken cancellationToken)
    {
        if (!journalOptions.Value.Enabled || !services.GetRequiredService<IOptions<SyncOptions>>().Value.Approval.IsOn)
        {
            return false;
        }

        try
        {
            var journal = JournalRequest.For(journalOptions.Value, tallyfyOptions.Value, force: false)!;
            var outcome = await services.GetRequiredService<ApprovalRunner>().RunAsync(journal, services.GetRequiredService<RowSender>(), Folders.Reports, cancellationToken);
            foreach (var line in outcome.Lines.Where(l => !l.EndsWith("waiting for an approver", StringComparison.Ordinal) && l != "No approval task is open."))
            {
                logger.LogInformation("Approvals: {Line}", line);
            }

            return outcome.Unread == 0;
        }
        catch (JournalLockedException)
        {
            return false;
        }
        catch (Exception ex) when (ex is JournalUnavailableException or InputException or IOException or OptionsValidationException)
        {
            logger.LogError("Approvals could not be read: {Message}", ex.Message);
            return false;
        }
    }

    /// <summary>
    /// The watch service's clock (<c>Dates:CheckEvery</c>): carries out the dated actions that have come due,
    /// without a new file. A journal held by a file's run (a roster being applied) is left for the next check.
    /// </summary>
    public async Task<int> CarryOutDueAsync(CancellationToken cancellationToken)
    {
        if (!journalOptions.Value.Enabled)
        {
            return ExitCodes.Success;
        }

        try
        {
            var journal = JournalRequest.For(journalOptions.Value, tallyfyOptions.Value, force: false)!;
            if (!JournalHistory.HasDue(journal.Path, journal.Target, timeProvider.GetUtcNow()))
            {
                return ExitCodes.Success;
            }

            var summary = await services.GetRequiredService<DueRunner>().RunAsync(journal with { ShareWithinProcess = !watchOptions.Value.IsSync },
                services.GetRequiredService<RowSender>(), Folders.Reports, cancellationToken);
            if (summary.DueCarriedOut > 0)
            {
                logger.LogInformation("Dated actions: {Count} carried out, exit code {ExitCode}; next due {Next}", summary.DueCarriedOut, summary.ExitCode, summary.NextDue ?? "none");
                await notifier.NotifyAsync(RunReport.Of(summary) with { File = "dated actions" }, CancellationToken.None);
            }
            else
            {
                // Nothing was due: the empty reports of the check are not kept.
                foreach (var path in summary.Reports?.Files ?? [])
                {
                    File.Delete(path);
                }
            }

            return summary.ExitCode;
        }
        catch (JournalLockedException ex)
        {
            logger.LogDebug("Dated actions wait for the next check: {Message}", ex.Message);
            return ExitCodes.Success;
        }
        catch (Exception ex) when (ex is JournalUnavailableException or InputException or IOException or OptionsValidationException)
        {
            logger.LogError("Dated actions could not be carried out: {Message}", ex.Message);
            return ExitCodes.NothingSent;
        }
    }

    /// <summary>The named sources the service polls (<c>Sources:&lt;name&gt;:Every</c>).</summary>
    public IReadOnlyList<Input.Sources.SourceDefinition> PolledSources => services.GetRequiredService<SourceStage>().Resolver.Polled();

    /// <summary>
    /// Fetches a named source and runs it as a dropped file would be (import or sync, <c>Watch:Mode</c>):
    /// an unchanged source is skipped; one a gate refuses is filed as failed, with a notification (exit 6).
    /// </summary>
    public async Task<int> PollAsync(string name, CancellationToken cancellationToken)
    {
        Status.Started(name, timeProvider.GetLocalNow());
        try
        {
            using var source = await services.GetRequiredService<SourceStage>().OpenAsync(name, sends: true, importOptions.Value.Force, cancellationToken);
            if (source.UnchangedSinceRun is { } run)
            {
                logger.LogInformation("Source {Source} is unchanged since run {Run}: skipped", source.Source.Display, run);
                return ExitCodes.Success;
            }

            LastFileAt = timeProvider.GetUtcNow();
            var sender = services.GetRequiredService<RowSender>();
            var summary = await RunAsync(source.Path, sender, cancellationToken);
            source.Finish(summary);
            var failed = summary.ExitCode == ExitCodes.Aborted;
            Status.Finished(name, failed, summary.StoppedBecause, timeProvider.GetLocalNow());
            metrics.FileFinished(summary, failed, timeProvider.GetUtcNow(), sender.SustainedPerSecond);
            LastSuccessAt = failed ? LastSuccessAt : timeProvider.GetUtcNow();
            logger.LogInformation("Source {Source}: exit code {ExitCode}", source.Source.Display, summary.ExitCode);
            await notifier.NotifyAsync(RunReport.Of(summary) with { File = name }, CancellationToken.None);
            return summary.ExitCode;
        }
        catch (Input.Sources.SourceRefusedException ex)
        {
            await FileFailedAsync(name, ex.Message, RunReport.Refused(name, Command, ex.Message));
            return ExitCodes.SourceRefused;
        }
        catch (InputException ex)
        {
            await FileFailedAsync(name, ex.Message, RunReport.Unreadable(name, Command, ex.Message));
            return ExitCodes.NothingSent;
        }
        catch (JournalLockedException ex)
        {
            logger.LogWarning("Source {Source} waits for the next poll: {Message}", name, ex.Message);
            return ExitCodes.JournalLocked;
        }
        catch (Exception ex) when (ex is JournalUnavailableException or OptionsValidationException)
        {
            Status.Error(ex.Message, timeProvider.GetLocalNow());
            logger.LogError("Source {Source} waits for the next poll: {Message}", name, ex.Message);
            return ExitCodes.NothingSent;
        }
        finally
        {
            Status.Left(name, timeProvider.GetLocalNow());
            WriteStatus();
        }
    }

    /// <summary>A polled source that could not be run: an error report beside the others, the status, a notification.</summary>
    private async Task FileFailedAsync(string name, string why, RunReport report)
    {
        Filing.WriteErrorReport(name, why);
        Status.Finished(name, failed: true, why, timeProvider.GetLocalNow());
        metrics.FileFinished(null, failed: true, timeProvider.GetUtcNow(), 0);
        logger.LogError("Source {Source} was not run: {Message}", name, why);
        await notifier.NotifyAsync(report, CancellationToken.None);
    }
}
