using BulkOnboard.Delivery;
using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;

namespace BulkOnboard.Pipeline;

/// <summary>
/// "Mark in flight, send, record": the one way import and sync journal a request that creates, invites
/// or removes someone. The mark is committed (durably) before the request goes out, so a crash cannot
/// lead to a second invitation; a journal that cannot be written stops the run's sending at once, and
/// every request already made keeps its true outcome in the report.
/// </summary>
internal sealed class JournalProtocol(RunJournal? journal, RunControl control)
{
    /// <summary>A joiner (create or invite), or an import's row. Without a journal, just sends.</summary>
    public async Task<RowResult> SendAsync(PersonKind kind, string email, int row, RawRecord record, Func<Task<DeliveryResult>> send, Func<DeliveryResult, RowResult> toResult)
    {
        if (journal is not null)
        {
            try
            {
                await journal.MarkInFlightAsync(kind, email, row);
            }
            catch (JournalUnavailableException ex)
            {
                return NotSent(record, kind, email, ex);
            }
        }

        var delivery = await send();
        control.StopIfTold(delivery);
        var result = toResult(delivery);
        if (journal is not null)
        {
            try
            {
                await journal.RecordAsync(kind, email, row, result.Outcome.ToReportWord(), result.Reason, result.TallyfyId, delivery.MaybeApplied, delivery.Onboarded);
            }
            catch (JournalUnavailableException ex)
            {
                // The request happened: its outcome stands; the journal still says in_flight, so a re-run checks again.
                return NotRecorded(result, ex);
            }
        }

        return result;
    }

    /// <summary>
    /// A leaver action: recorded <see cref="RunJournal.ActionInFlight"/> with the person's snapshot before the
    /// request (so undo can cover it whatever happens next), then settled with what Tallyfy holds.
    /// </summary>
    public async Task<RowResult> ActOnLeaverAsync(SyncActionRecord intent, RawRecord record, Func<Task<(DeliveryResult Delivery, LeaverState State)>> act,
        Func<DeliveryResult, RowResult> toResult)
    {
        long id;
        try
        {
            id = await journal!.RecordSyncActionAsync(intent with { Outcome = RunJournal.ActionInFlight });
        }
        catch (JournalUnavailableException ex)
        {
            return NotSent(record, intent.Kind, intent.Email, ex);
        }

        var (delivery, state) = await act();
        control.StopIfTold(delivery);
        var result = toResult(delivery);
        var outcome = state switch
        {
            LeaverState.Applied => result.Outcome.ToReportWord(),
            LeaverState.Unknown => RunJournal.ActionUnsettled,
            _ => result.Outcome.ToReportWord(),
        };
        try
        {
            await journal.SettleSyncActionAsync(id, outcome, result.TallyfyId, result.Message);
        }
        catch (JournalUnavailableException ex)
        {
            // The journal still says in flight, with the snapshot: undo checks Tallyfy for this person.
            return NotRecorded(result, ex);
        }

        return result;
    }

    /// <summary>A journal write that is not about one request (a hold, a membership); false, with the run stopped, when it could not be made.</summary>
    public async Task<bool> RecordAsync(Func<RunJournal, Task> write)
    {
        if (journal is null)
        {
            return true;
        }

        try
        {
            await write(journal);
            return true;
        }
        catch (JournalUnavailableException ex)
        {
            Stop(ex);
            return false;
        }
    }

    private RowResult NotSent(RawRecord record, PersonKind kind, string email, JournalUnavailableException ex)
    {
        // Without a journal, a crash could send people twice: stop sending rather than go on blind.
        Stop(ex);
        return RowResult.NotSent(record, kind, email, ex.Message);
    }

    private RowResult NotRecorded(RowResult result, JournalUnavailableException ex)
    {
        Stop(ex);
        return result with { Message = SyncRunner.Join(result.Message, $"not recorded in the journal: {ex.Message}") };
    }

    // RunControl logs the run's stop reason; a journal failure after the run had stopped for another reason is not repeated per row.
    private void Stop(JournalUnavailableException ex) => control.Stop(ex.Message);
}
