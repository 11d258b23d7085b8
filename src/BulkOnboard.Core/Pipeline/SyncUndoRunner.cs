using System.Text.Json;
using BulkOnboard.Configuration;
using BulkOnboard.Delivery;
using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BulkOnboard.Pipeline;

/// <summary>
/// <c>sync --undo RUN</c>: from what the journal kept of run RUN, re-enables the members it deactivated,
/// re-creates the guests it removed, and puts them back in the groups it took them out of.
/// </summary>
internal sealed class SyncUndoRunner(IOptions<DeliveryOptions> deliveryOptions, TimeProvider timeProvider, ILogger<SyncUndoRunner> logger)
{
    /// <summary><c>sync --undo RUN</c>: re-enables the members run <paramref name="runId"/> deactivated and re-creates the guests it removed.</summary>
    public async Task<SyncOutcome> UndoAsync(long runId, JournalRequest journalRequest, RowSender sender, string reportFolder, CancellationToken cancellationToken)
    {
        var startedAt = timeProvider.GetLocalNow();
        var startTimestamp = timeProvider.GetTimestamp();

        // Checked before a run is opened: a wrong number leaves no trace in the journal.
        if (!JournalHistory.IsSyncRun(journalRequest.Path, journalRequest.Target, runId))
        {
            throw new InputException($"run {runId} is not a sync of this organization in the journal {journalRequest.Path}; bulkonboard history lists the runs");
        }

        await using var journal = RunJournal.Open(journalRequest.Path, journalRequest.Target, $"undo-run-{runId}", $"undo:{runId}", forced: false, timeProvider, logger, command: "sync-undo");

        var actions = journal.SyncActionsOf(runId).Where(a => a.Outcome is "deactivated" or "removed").ToList();
        var (members, _) = await sender.ListAllAsync(PersonKind.Member, cancellationToken);
        var (guests, _) = await sender.ListAllAsync(PersonKind.Guest, cancellationToken);
        var paths = ReportPaths.Create(reportFolder, $"undo-run-{runId}.csv", startedAt);
        var counts = new OutcomeCounts();
        using var control = new RunControl(cancellationToken, deliveryOptions.Value.Timeout + TimeSpan.FromSeconds(5));
        var results = new List<RowResult>();
        foreach (var action in actions)
        {
            results.Add(await UndoOneAsync(action, members, guests, sender, journal, control));
        }

        var memberships = journal.SyncActionsOf(runId).Where(a => a.Action == "remove_from_group" && a.Outcome == "removed").ToList();
        if (memberships.Count > 0)
        {
            await RestoreGroupsAsync(memberships, results, members, sender, journal, control, cancellationToken);
        }

        using (var report = new ResultsReport(paths, []))
        {
            foreach (var result in results)
            {
                report.Write(result);
                counts.Add(result);
            }
        }

        var summary = SyncRunner.Summarize("sync --undo", $"undo of run {runId}", $"undo:{runId}", startedAt, timeProvider.GetElapsedTime(startTimestamp), counts, sender,
            journal.RunId, control.Reason, paths);
        summary.WriteTo(paths.Summary);
        journal.Finish(summary.Totals);
        logger.LogInformation("Undo of run {Run}: {Count} people restored, {Failed} failed", runId, summary.Updated + summary.Created, summary.Failed);
        return new SyncOutcome(summary, string.Empty, string.Empty);
    }

    /// <summary>Puts the undone run's leavers back in the groups it took them out of: one write per group.</summary>
    private async Task RestoreGroupsAsync(List<SyncActionRecord> memberships, List<RowResult> results, List<ListedPerson> members, RowSender sender, RunJournal journal,
        RunControl control, CancellationToken cancellationToken)
    {
        var groups = await sender.ListGroupsAsync(cancellationToken);
        var groupsByKey = ListedGroup.ByKey(groups);
        foreach (var byGroup in memberships.GroupBy(m => ListedGroup.KeyOf(m.Detail!)))
        {
            var group = groupsByKey.GetValueOrDefault(byGroup.Key);
            string outcome;
            if (group is null)
            {
                outcome = $"group {byGroup.First().Detail} is no longer in Tallyfy: not put back";
            }
            else
            {
                var memberList = group.Members.ToList();
                var guestList = group.Guests.ToList();
                foreach (var m in byGroup)
                {
                    if (m.Kind == PersonKind.Member && long.TryParse(m.TallyfyId ?? members.FirstOrDefault(x => EmailAddress.Normalize(x.Email) == m.Email)?.Id, out var id) && !memberList.Contains(id))
                    {
                        memberList.Add(id);
                    }
                    else if (m.Kind == PersonKind.Guest && !guestList.Any(g => EmailAddress.Normalize(g) == m.Email))
                    {
                        guestList.Add(m.Email);
                    }
                }

                var write = await sender.UpdateGroupAsync(group, memberList, guestList, control.StopSending, control.HardStop);
                outcome = write.Outcome == Outcome.Updated ? $"back in group {group.Name}" : $"not put back in group {group.Name}: {write.Message}";
                if (write.Outcome == Outcome.Updated)
                {
                    foreach (var m in byGroup)
                    {
                        journal.RecordMembership(group.Name, m.Kind, m.Email, added: true);
                    }
                }
            }

            foreach (var m in byGroup)
            {
                var index = results.FindIndex(r => r.Kind == m.Kind && EmailAddress.Normalize(r.Email) == m.Email);
                if (index >= 0)
                {
                    results[index] = results[index] with { Message = SyncRunner.Join(results[index].Message, outcome) };
                }
            }
        }
    }

    private async Task<RowResult> UndoOneAsync(SyncActionRecord action, List<ListedPerson> members, List<ListedPerson> guests, RowSender sender, RunJournal journal, RunControl control)
    {
        var none = new RawRecord(0, []);
        if (control.IsStopping)
        {
            return new RowResult(none, action.Kind, action.Email, Outcome.NotAttempted, Message: $"not sent: {control.Reason}");
        }

        DeliveryResult delivery;
        if (action.Kind == PersonKind.Member)
        {
            var member = members.FirstOrDefault(m => EmailAddress.Normalize(m.Email) == action.Email);
            if (member is null || member.Id is null)
            {
                return new RowResult(none, action.Kind, action.Email, Outcome.Failed, Message: "Tallyfy no longer lists this member: it cannot be re-enabled");
            }

            if (!string.Equals(member.Status, "disabled", StringComparison.OrdinalIgnoreCase))
            {
                return new RowResult(none, action.Kind, action.Email, Outcome.Skipped, Outcomes.Unchanged, TallyfyId: member.Id, Message: $"already {member.Status ?? "enabled"} in Tallyfy");
            }

            delivery = await sender.EnableAsync(member.Id, control.StopSending, control.HardStop);
            delivery = delivery.Outcome == Outcome.Updated ? delivery with { Message = "re-enabled (deactivated by the undone run)" } : delivery;
        }
        else
        {
            if (guests.Any(g => EmailAddress.Normalize(g.Email) == action.Email))
            {
                return new RowResult(none, action.Kind, action.Email, Outcome.Skipped, Outcomes.AlreadyExists, Message: "the guest is in Tallyfy again already");
            }

            var snapshot = action.Snapshot is null ? null : JsonSerializer.Deserialize<ListedPerson>(action.Snapshot, SyncRunner.SnapshotJson);
            var guest = new GuestPayload { Email = action.Email, FirstName = snapshot?.FirstName, LastName = snapshot?.LastName, AssociatedMembers = snapshot?.AssociatedMembers };
            delivery = await sender.SendAsync(guest, control.StopSending, control.HardStop);
            delivery = delivery.Outcome == Outcome.Created ? delivery with { Message = "re-created (removed by the undone run)" } : delivery;
        }

        if (delivery.StopsRun)
        {
            control.Stop(delivery.Message ?? "the API refused further requests");
        }

        var result = new RowResult(none, action.Kind, action.Email, delivery.Outcome, delivery.Reason, delivery.HttpStatus, delivery.Attempts, delivery.TallyfyId ?? action.TallyfyId, delivery.Message);
        journal.RecordSyncAction(new SyncActionRecord(action.Kind, action.Email, action.Kind == PersonKind.Member ? "enable" : "recreate",
            delivery.Outcome.ToReportWord(), result.TallyfyId, delivery.Message, null, null));
        return result;
    }
}
