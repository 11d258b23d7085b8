using System.Text.Json;
using BulkOnboard.Configuration;
using BulkOnboard.Delivery;
using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Plan;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BulkOnboard.Pipeline;

/// <summary>
/// Carries out the dated actions that have come due (PRODUCT.md, "Dates"): a hire's invite or create,
/// with the payload the journal kept; a leaver's deactivation or removal, as the one leaver policy allows
/// (<see cref="LeaverPolicy"/>: the leavers due now are one batch, counted with every leaver action of the
/// last 24 hours; a held one is parked and reported once). Never before its time.
/// Used by every import and sync at their end, by <c>bulkonboard due</c>, and by the watch service's clock.
/// </summary>
/// <param name="importOptions">A hire's create follows <c>--on-existing</c> as the run that carries it out says (<see cref="ImportOptions.UpdatesExisting"/>).</param>
internal sealed partial class DueRunner(IOptions<SyncOptions> syncOptions, IOptions<DeliveryOptions> deliveryOptions, TimeProvider timeProvider, ILogger<DueRunner> logger,
    IOptions<ImportOptions>? importOptions = null, IOptions<ReportsOptions>? reportsOptions = null, IOptions<JourneysOptions>? journeyOptions = null)
{
    // One carrying-out at a time in a process: two (a file's end and the watch clock) would read the same
    // pending actions and send them twice.
    private readonly SemaphoreSlim _one = new(1, 1);

    /// <summary>
    /// <c>bulkonboard due</c> (and the watch service's check): opens the journal, carries out what is due, writes
    /// the reports. The report folder is checked writable before anything is sent (exit 1, nothing sent); with
    /// nothing due no run is opened, and with nothing carried out or newly held no file is written.
    /// </summary>
    public async Task<RunSummary> RunAsync(JournalRequest journalRequest, RowSender sender, string reportFolder, CancellationToken cancellationToken)
    {
        var startedAt = timeProvider.GetLocalNow();
        var startTimestamp = timeProvider.GetTimestamp();
        var paths = ReportPaths.Create(reportFolder, "due.csv", startedAt, reportsOptions?.Value);
        var counts = new OutcomeCounts();
        RunSummary Summary(long? runId, string? stopReason, bool written) =>
            SyncRunner.Summarize("due", "dated actions due", "due", startedAt, timeProvider.GetElapsedTime(startTimestamp), counts, sender, runId ?? 0, stopReason, paths)
                with { RunId = runId, Reports = written ? paths : null, DueCarriedOut = counts.Total };
        if (!JournalHistory.HasDue(journalRequest.Path, journalRequest.Target, timeProvider.GetUtcNow()))
        {
            return Summary(null, null, written: false) with { NextDue = JournalHistory.NextDue(journalRequest.Path, journalRequest.Target) };
        }

        await using var journal = RunJournal.Open(journalRequest.Path, journalRequest.Target, "due", "due", forced: false, timeProvider, logger, command: "due",
            journalRequest.BusyTimeout, journalRequest.ShareWithinProcess);
        sender.RememberCaps(journal.RememberedCaps(), journal.RememberedPace());
        using var control = new RunControl(cancellationToken, deliveryOptions.Value.HardStopGrace, timeProvider, logger);
        var results = await CarryOutAsync(journal, sender, control);
        await ImportRunner.RememberCapsAsync(journal, sender, logger);

        // Nothing carried out or newly held: no files (a 15-minute timer would write 96 sets a day).
        var written = results.Count > 0 || control.Reason is not null;
        if (written)
        {
            ResultsReport.WriteAll(paths, results, counts);
        }

        var summary = Summary(journal.RunId, control.Reason, written) with { NextDue = journal.PendingDue().FirstOrDefault()?.DueLocal };
        if (written)
        {
            ReportFiles.Finish(summary, paths, logger);
        }

        await journal.FinishAsync(summary.Totals);
        return summary;
    }

    /// <summary>Carries out every pending action due by now, soonest first; one result per action tried.</summary>
    public async Task<List<RowResult>> CarryOutAsync(RunJournal journal, RowSender sender, RunControl control)
    {
        if (!await _one.WaitAsync(0))
        {
            logger.LogDebug("Dated actions are being carried out by another run of this process; this one leaves them to it");
            return [];
        }

        try
        {
            return await CarryOutAloneAsync(journal, sender, control);
        }
        finally
        {
            _one.Release();
        }
    }

    private async Task<List<RowResult>> CarryOutAloneAsync(RunJournal journal, RowSender sender, RunControl control)
    {
        var now = timeProvider.GetUtcNow();
        var due = journal.PendingDue(now);
        var results = new List<RowResult>();
        if (due.Count == 0)
        {
            return results;
        }

        logger.LogInformation("{Count} dated actions have come due: {First}", due.Count, string.Join("; ", due.Take(5)));
        var protocol = new JournalProtocol(journal, control);
        // Hires in the lanes of their kind: guests held by their cap never keep the members waiting.
        var settling = new Lock();
        var joinersSettled = true;
        await ChangeLanes.RunAsync(due.Where(a => a.IsJoiner).ToList(), a => RequestScopes.Of(a.Kind), deliveryOptions.Value.MaxConcurrency, async action =>
        {
            if (control.IsStopping || !joinersSettled)
            {
                return;
            }

            var result = await JoinAsync(action, journal, sender, protocol, control);
            List<RowResult> one = [];
            var recorded = await SettleAsync(action, result, protocol, one);
            lock (settling)
            {
                results.AddRange(one);
                joinersSettled &= recorded;
            }
        });
        if (!joinersSettled)
        {
            return results;
        }

        var launches = due.Where(a => a.IsLaunch).ToList();
        if (launches.Count > 0 && !control.IsStopping)
        {
            await LaunchAsync(launches, journal, sender, protocol, control, results);
        }

        var leavers = due.Where(a => a.IsLeaver).ToList();
        if (leavers.Count > 0 && !control.IsStopping)
        {
            await LeaveAsync(leavers, now, journal, sender, protocol, control, results);
        }

        return results;
    }

    /// <summary>Records how a due action ended (one still pending stays so) and adds its result; false when the journal could not record it.</summary>
    private async Task<bool> SettleAsync(DueAction action, RowResult result, JournalProtocol protocol, List<RowResult> results)
    {
        var state = result.Outcome switch
        {
            // A failure Tallyfy did not answer for good (an outage, no answer) is tried again at the next check.
            Outcome.NotAttempted or Outcome.Held => RunJournal.DuePending,
            Outcome.Failed when result.HttpStatus is null or >= 500 or 408 or 429 => RunJournal.DuePending,
            Outcome.Failed => "failed",
            _ => RunJournal.DueDone,
        };
        results.Add(result.Named(action.Names()));
        if (state != RunJournal.DuePending && !await protocol.RecordAsync(j => j.SettleDueAsync(action.Id, state, result.Outcome.ToReportWord())))
        {
            return false;
        }

        logger.LogInformation("Due {Action}: {Outcome}{Message}", action, result.Outcome.ToReportWord(), result.Message is null ? string.Empty : $" ({result.Message})");
        return true;
    }

    private async Task<RowResult> JoinAsync(DueAction action, RunJournal journal, RowSender sender, JournalProtocol protocol, RunControl control)
    {
        var none = new RawRecord(0, []);
        if (journal.Find(action.Kind, action.Email) is { IsDone: true } done)
        {
            return new RowResult(none, action.Kind, action.Email, Outcome.Skipped, Outcomes.AlreadyDone, TallyfyId: done.TallyfyId, Message: $"done by run {done.RunId} before it came due");
        }

        PersonPayload? payload = action.Payload is null ? null
            : action.Kind == PersonKind.Guest ? JsonSerializer.Deserialize<GuestPayload>(action.Payload, TallyfyClient.Json)
            : JsonSerializer.Deserialize<MemberPayload>(action.Payload, TallyfyClient.Json);
        if (payload is null)
        {
            return new RowResult(none, action.Kind, action.Email, Outcome.Failed, Message: "the journal kept no payload for this joiner: run the import again");
        }

        var result = await protocol.SendAsync(action.Kind, action.Email, 0, none, () => sender.SendAsync(payload, control.StopSending, control.HardStop, updateIfExists: importOptions?.Value.UpdatesExisting(action.Kind) == true),
            d => RowResult.Of(none, action.Kind, action.Email, d));
        return result with { Message = SyncRunner.Join($"due {action.DueLocal}", result.Message ?? string.Empty).TrimEnd(' ', ';') };
    }
}
