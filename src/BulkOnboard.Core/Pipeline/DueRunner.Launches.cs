using BulkOnboard.Configuration;
using BulkOnboard.Delivery;
using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Plan;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;
using Microsoft.Extensions.Logging;

namespace BulkOnboard.Pipeline;

/// <summary>
/// The dated launches of onboarding journeys (PRODUCT.md, "Onboarding journeys"): due on their day, carried out once the
/// person is onboarded (after the hires due in the same check), in the lane of writes, each a line of its own.
/// </summary>
internal sealed partial class DueRunner
{
    private async Task LaunchAsync(List<DueAction> due, RunJournal journal, RowSender sender, JournalProtocol protocol, RunControl control, List<RowResult> results)
    {
        var none = new RawRecord(0, []);
        var pending = journal.PendingDue();
        var ours = journal.Onboarded();
        var ready = new List<(DueAction Action, RowResult Line)>();
        foreach (var action in due)
        {
            // Read one at a time, before any request: whether BulkOnboard onboarded the person (the one provenance rule), and their id.
            if (ours.Contains((action.Kind, EmailAddress.Normalize(action.Email))))
            {
                var entry = journal.Find(action.Kind, action.Email);
                ready.Add((action, new RowResult(none, action.Kind, action.Email, Outcome.Skipped, Outcomes.AlreadyDone, TallyfyId: entry?.TallyfyId ?? action.TallyfyId)));
                continue;
            }

            if (pending.Any(p => p.IsJoiner && p.Kind == action.Kind && EmailAddress.Normalize(p.Email) == EmailAddress.Normalize(action.Email)))
            {
                // Their create or invite is still to come: the launch waits for it.
                continue;
            }

            var line = new RowResult(none, action.Kind, action.Email, Outcome.Cancelled, Message: $"{action} cancelled: BulkOnboard did not create or invite them")
                { Journey = action.Journey, JourneyOutcome = JourneyLaunches.NotLaunched };
            if (await protocol.RecordAsync(j => j.SettleDueAsync(action.Id, RunJournal.DueCancelled, "not onboarded")))
            {
                results.Add(line);
            }
        }

        if (ready.Count == 0)
        {
            return;
        }

        JourneyLaunches? launches;
        try
        {
            launches = await JourneyLaunches.PrepareAsync(journeyOptions?.Value.Journeys ?? [], sender, journal, inputKnows: null, logger, control.StopSending);
        }
        catch (JourneyException ex)
        {
            // Left pending: the next check tries again, once the configuration or the template is right.
            logger.LogError("{Count} dated launches are due but the journeys cannot run: {Message}", ready.Count, ex.Message);
            control.MarkIncomplete(ex.Message);
            return;
        }

        var settling = new Lock();
        await ChangeLanes.RunAsync(ready, _ => RequestScope.Launch, deliveryOptions.Value.MaxConcurrency, async item =>
        {
            var (action, line) = item;
            if (control.IsStopping)
            {
                return;
            }

            RowResult done;
            var tryAgain = false;
            if (action.Journey is not { } name || launches?.Named(name) is not { } journey)
            {
                done = line with { Journey = action.Journey, JourneyOutcome = JourneyLaunches.Failed, JourneyMessage = "the journey is no longer configured", Message = $"{action}: the journey is no longer configured" };
            }
            else
            {
                var (valueOf, dates) = JourneyValues.Restore(action.Payload);
                (done, tryAgain) = await launches.LaunchAsync(line with { Message = $"due {action.DueLocal}" }, journey, valueOf, dates, control);
            }

            // Launched, skipped (already) or refused for good: done with; unknown (it may have launched): looked for at the next check.
            var state = done.JourneyOutcome is JourneyLaunches.Launched or JourneyLaunches.Incomplete or JourneyLaunches.AlreadyLaunched ? RunJournal.DueDone
                : tryAgain || control.IsStopping ? RunJournal.DuePending
                : "failed";
            if (state != RunJournal.DuePending && !await protocol.RecordAsync(j => j.SettleDueAsync(action.Id, state, done.JourneyOutcome)))
            {
                return;
            }

            lock (settling)
            {
                results.Add(done);
            }
        });
    }
}
