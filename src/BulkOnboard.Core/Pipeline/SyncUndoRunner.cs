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
/// <c>sync --undo RUN</c>: from what the journal kept of run RUN, re-enables the members it deactivated,
/// re-creates the guests it removed, and puts them back in the groups it took them out of.
/// </summary>
internal sealed partial class SyncUndoRunner(IOptions<DeliveryOptions> deliveryOptions, TimeProvider timeProvider, ILogger<SyncUndoRunner> logger,
    IOptions<ReportsOptions>? reportsOptions = null)
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

        await using var journal = RunJournal.Open(journalRequest.Path, journalRequest.Target, $"undo-run-{runId}", $"undo:{runId}", forced: false, timeProvider, logger, command: "sync-undo", journalRequest.BusyTimeout);

        var recorded = journal.SyncActionsOf(runId);

        // Every leaver action Tallyfy may have applied: done, left in flight by a stop, or not settled by a read.
        var actions = recorded.Where(a => a.Action is "deactivate" or "remove"
            && a.Outcome is "deactivated" or "removed" or RunJournal.ActionInFlight or RunJournal.ActionUnsettled).ToList();
        // Conversions and rehires are undone too: converted back, or deactivated again.
        var changed = recorded.Where(a => a.Action is "convert_to_member" or "convert_to_guest" or "reactivate" && a.Outcome == "updated").ToList();
        // The report folder is checked before the first request: a folder that cannot be written sends nothing.
        var paths = ReportPaths.Create(reportFolder, $"undo-run-{runId}.csv", startedAt, reportsOptions?.Value);
        var (members, _) = await sender.ListAllAsync(PersonKind.Member, cancellationToken);
        var (guests, _) = await sender.ListAllAsync(PersonKind.Guest, cancellationToken);
        var counts = new OutcomeCounts();
        using var control = new RunControl(cancellationToken, deliveryOptions.Value.HardStopGrace, timeProvider, logger);
        var protocol = new JournalProtocol(journal, control);
        // Re-enables and re-creates in the lanes of their kind (guest creates may meet Tallyfy's hourly cap).
        var undone = new RowResult[actions.Count];
        await ChangeLanes.RunAsync(Enumerable.Range(0, actions.Count).ToList(), i => actions[i].Kind == PersonKind.Guest ? RequestScope.GuestCreate : RequestScope.Write,
            deliveryOptions.Value.MaxConcurrency, async i => undone[i] = (await UndoOneAsync(actions[i], members, guests, sender, protocol, control))
                .Named(LeaverSnapshots.Read(actions[i].Snapshot).Person is { } before ? (before.FirstName, before.LastName) : (null, null)));
        var results = undone.ToList();
        foreach (var change in changed)
        {
            results.Add(await UndoChangeAsync(change, members, guests, sender, protocol, control));
        }

        var memberships = Memberships(recorded, actions, results);
        if (memberships.Count > 0)
        {
            await RestoreGroupsAsync(memberships, results, members, sender, protocol, control, cancellationToken);
        }

        ResultsReport.WriteAll(paths, results, counts);

        var summary = SyncRunner.Summarize("sync --undo", $"undo of run {runId}", $"undo:{runId}", startedAt, timeProvider.GetElapsedTime(startTimestamp), counts, sender,
            journal.RunId, control.Reason, paths);
        ReportFiles.Finish(summary, paths, logger);
        await journal.FinishAsync(summary.Totals);
        logger.LogInformation("Undo of run {Run}: {Count} people restored, {Failed} failed", runId, summary.Updated + summary.Created, summary.Failed);
        return new SyncOutcome(summary, string.Empty, string.Empty);
    }

    /// <summary>
    /// The groups to put people back in: those the run took them out of (BulkOnboard's memberships, claimed
    /// again), and, for each person it deactivated, every group that held them before (Tallyfy's deactivation
    /// empties them all; memberships not BulkOnboard's are restored but not claimed). Only people who are in
    /// Tallyfy again are put back.
    /// </summary>
    private static List<PlannedChange> Memberships(List<SyncActionRecord> recorded, List<SyncActionRecord> leavers, List<RowResult> results)
    {
        var back = results.Where(r => r.Outcome is Outcome.Updated or Outcome.Created or Outcome.Skipped).Select(r => (r.Kind!.Value, EmailAddress.Normalize(r.Email))).ToHashSet();
        var changes = new Dictionary<(string Group, PersonKind Kind, string Email), PlannedChange>();
        foreach (var removal in recorded.Where(a => a.Action == "remove_from_group" && a.Outcome == "removed" && a.Detail is not null))
        {
            changes[(ListedGroup.KeyOf(removal.Detail!), removal.Kind, removal.Email)] =
                new PlannedChange(null, removal.Kind, removal.Email, PlanAction.AddToGroup, $"back in group {removal.Detail}", removal.TallyfyId, Group: removal.Detail);
        }

        foreach (var leaver in leavers)
        {
            foreach (var group in LeaverSnapshots.Read(leaver.Snapshot).Groups)
            {
                changes.TryAdd((ListedGroup.KeyOf(group), leaver.Kind, leaver.Email),
                    new PlannedChange(null, leaver.Kind, leaver.Email, PlanAction.AddToGroup, $"back in group {group}", leaver.TallyfyId, Group: group, NotOurs: true));
            }
        }

        // Someone whose removal from a group was not a leaver action of this run (their own action failed) is in Tallyfy still.
        var leaverKeys = leavers.Select(l => (l.Kind, EmailAddress.Normalize(l.Email))).ToHashSet();
        return [.. changes.Values.Where(c => back.Contains((c.Kind, EmailAddress.Normalize(c.Email))) || !leaverKeys.Contains((c.Kind, EmailAddress.Normalize(c.Email))))];
    }

    /// <summary>Puts people back in their groups through the one group writer (each group re-read, then written once); each person's line says how it went.</summary>
    private async Task RestoreGroupsAsync(List<PlannedChange> memberships, List<RowResult> results, List<ListedPerson> members, RowSender sender, JournalProtocol protocol,
        RunControl control, CancellationToken cancellationToken)
    {
        List<ListedGroup> groups;
        try
        {
            groups = await sender.ListGroupsAsync(cancellationToken);
        }
        catch (InputException ex)
        {
            logger.LogError("{Message}: nobody was put back in a group", ex.Message);
            groups = [];
        }

        var memberIds = ListedPerson.IdsByEmail(members);
        var failures = groups.Count == 0 && memberships.Count > 0
            ? memberships.ToDictionary(m => m, m => $"group {m.Group} could not be read: not put back")
            : await GroupWriter.WriteAsync(memberships, memberIds, groups, createGroups: false, sender, protocol, control, rosterFile: null);
        foreach (var change in memberships)
        {
            var outcome = failures.TryGetValue(change, out var why) ? $"not put back in group {change.Group}: {why}" : $"back in group {change.Group}";
            var index = results.FindIndex(r => r.Kind == change.Kind && EmailAddress.Normalize(r.Email) == EmailAddress.Normalize(change.Email));
            if (index >= 0)
            {
                results[index] = results[index] with { Message = SyncRunner.Join(results[index].Message, outcome) };
            }
            else
            {
                logger.LogInformation("{Email}: {Outcome}", change.Email, outcome);
            }
        }
    }

    /// <summary>What undo does not put back: the open tasks handed over when the person left stay with their successor.</summary>
    private static string TasksStay(SyncActionRecord action) => HandOverVerdict.SuccessorIn(action.Detail) is { } successor
        ? $"; the open tasks handed to {successor} when they left stay with {successor}"
        : "; any open tasks handed over when they left stay with whoever took them";

    private static async Task<RowResult> UndoOneAsync(SyncActionRecord action, List<ListedPerson> members, List<ListedPerson> guests, RowSender sender, JournalProtocol protocol, RunControl control)
    {
        var none = new RawRecord(0, []);
        if (control.IsStopping)
        {
            return RowResult.NotSent(none, action.Kind, action.Email, control.Reason);
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
                var why = action.Outcome is RunJournal.ActionInFlight or RunJournal.ActionUnsettled ? "the undone run's deactivation did not happen: " : string.Empty;
                return new RowResult(none, action.Kind, action.Email, Outcome.Skipped, Outcomes.Unchanged, TallyfyId: member.Id, Message: $"{why}already {member.Status ?? "enabled"} in Tallyfy");
            }

            delivery = await sender.EnableAsync(member.Id, control.StopSending, control.HardStop);
            delivery = delivery.Outcome == Outcome.Updated
                ? delivery with { Message = "re-enabled (deactivated by the undone run); Tallyfy e-mails them that their account is reactivated" + TasksStay(action) }
                : delivery;
        }
        else
        {
            if (guests.Any(g => EmailAddress.Normalize(g.Email) == action.Email))
            {
                return new RowResult(none, action.Kind, action.Email, Outcome.Skipped, Outcomes.AlreadyExists, Message: "the guest is in Tallyfy again already");
            }

            var (snapshot, _) = LeaverSnapshots.Read(action.Snapshot);
            var guest = new GuestPayload { Email = action.Email, FirstName = snapshot?.FirstName, LastName = snapshot?.LastName, AssociatedMembers = snapshot?.AssociatedMembers };
            delivery = await sender.SendAsync(guest, control.StopSending, control.HardStop);
            delivery = delivery.Outcome == Outcome.Created ? delivery with { Message = "re-created (removed by the undone run)" + TasksStay(action) } : delivery;
        }

        control.StopIfTold(delivery);

        var result = RowResult.Of(none, action.Kind, action.Email, delivery, action.TallyfyId);
        await protocol.RecordAsync(j => j.RecordSyncActionAsync(new SyncActionRecord(action.Kind, action.Email, action.Kind == PersonKind.Member ? "enable" : "recreate",
            delivery.Outcome.ToReportWord(), result.TallyfyId, delivery.Message, null, null)));
        return result;
    }
}
