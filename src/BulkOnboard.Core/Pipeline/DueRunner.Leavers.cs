using BulkOnboard.Delivery;
using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Plan;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;
using Microsoft.Extensions.Logging;

namespace BulkOnboard.Pipeline;

/// <summary>
/// Dated leavers that have come due: each read back from Tallyfy, then all of them judged at once by the
/// leaver policy (the batch with the leaver actions of the last 24 hours on any path), then carried out. A
/// held one stays pending, parked with its guard: reported when first held and again when the guard changes,
/// not at every check.
/// </summary>
internal sealed partial class DueRunner
{
    private async Task LeaveAsync(List<DueAction> due, DateTimeOffset now, RunJournal journal, RowSender sender, JournalProtocol protocol, RunControl control, List<RowResult> results)
    {
        var none = new RawRecord(0, []);
        var policy = new LeaverPolicy(syncOptions.Value);
        var onboarded = journal.Onboarded();
        var window = journal.LeaverWindow(now, syncOptions.Value.RosterBaselineWindow);
        if (StillParked(due, policy, window, onboarded, now))
        {
            // Nothing has changed for them: no read of each person every check, no report.
            logger.LogDebug("{Count} dated leaver actions stay held ({Guard}); reported when they were first held", due.Count, due[0].HeldReason);
            return;
        }

        // Each leaver read back from Tallyfy, side by side in the lane of reads.
        var actions = due.Select(a => a with { TallyfyId = a.TallyfyId ?? journal.Find(a.Kind, a.Email)?.TallyfyId }).ToList();
        var reads = new (ListedPerson? Person, RowResult? Settled)[actions.Count];
        await ChangeLanes.RunAsync(Enumerable.Range(0, actions.Count).ToList(), _ => RequestScope.Read, sender.Gate.MaxConcurrency, async i =>
        {
            var action = actions[i];
            reads[i] = control.IsStopping ? (null, null)
                : !LeaverPolicy.InScope(syncOptions.Value, onboarded.Contains((action.Kind, EmailAddress.Normalize(action.Email))))
                    ? (null, new RowResult(none, action.Kind, action.Email, Outcome.Skipped, Outcomes.Unchanged, Message: "not onboarded by BulkOnboard: left alone (Sync:ManageExisting)"))
                    : await ReadAsync(action, sender, control);
        });
        if (control.IsStopping)
        {
            return;
        }

        var read = new List<(DueAction Action, ListedPerson Person, LeaverCandidate Candidate)>();
        for (var i = 0; i < actions.Count; i++)
        {
            var (action, (person, settled)) = (actions[i], reads[i]);
            if (settled is not null)
            {
                if (!await SettleAsync(action, settled, protocol, results))
                {
                    return;
                }

                continue;
            }

            var email = EmailAddress.Normalize(action.Email);
            read.Add((action, person!, new LeaverCandidate(action.Kind, email, person!.Role, person.IsDefaultAdmin, onboarded.Contains((action.Kind, email)))));
        }

        // All of them judged at once; those that may go carried out side by side in the lane of writes.
        var verdicts = policy.Judge([.. read.Select(r => r.Candidate)], window, now);
        var groups = verdicts.Any(v => v.MayGo) ? await GroupsForSnapshotsAsync(sender, control) : [];

        // The one hand-over rule: whoever of them may go hands their open tasks to their successor first.
        var handOver = verdicts.Any(v => v.MayGo)
            ? new HandOver(journal.Managers(), await MembersForHandOverAsync(sender, control), read.Select(r => r.Action.Email), syncOptions.Value.ReassignTo)
            : null;
        var settling = new Lock();
        var recorded = true;
        var taskLocks = new LeaverHandOver.TaskLocks();
        await LeaverHandOver.GuestsFirst(Enumerable.Range(0, read.Count).ToList(), i => read[i].Action.Kind == PersonKind.Guest, i => read[i].Action.Kind == PersonKind.Member,
            (ordered, carryOut) => ChangeLanes.RunAsync(ordered, _ => RequestScope.Write, sender.Gate.MaxConcurrency, carryOut), CarryOutAtAsync);

        async Task CarryOutAtAsync(int i)
        {
            if (control.IsStopping || !recorded)
            {
                return;
            }

            var (action, person, _) = read[i];
            var handing = verdicts[i].MayGo ? await JudgeHandOverAsync(action, person, handOver!, sender, control) : null;
            var result = (verdicts[i] is { Guard: { } guard, Code: { } code }
                ? await HoldAsync(action, guard, code, protocol)
                : handing is { Guard: { } noSuccessor }
                    ? await HoldAsync(action, noSuccessor, HandOver.CodeNoSuccessor, protocol)
                    : await CarryOutAsync(action, person, handing!, groups, sender, protocol, control, taskLocks))?.Named((person.FirstName, person.LastName));
            if (result is null)
            {
                return;
            }

            List<RowResult> one = [];
            var settledOne = await SettleAsync(action, result, protocol, one);
            lock (settling)
            {
                results.AddRange(one);
                recorded &= settledOne;
            }
        }
    }

    /// <summary>
    /// Whether every action due is parked, within the last day, under the batch guard that would hold them all
    /// again now (counted at most: reading them could only find fewer); then nothing is read or reported. Once a
    /// day they are read again (someone deactivated by hand since leaves the batch).
    /// </summary>
    private bool StillParked(List<DueAction> due, LeaverPolicy policy, LeaverWindow window, IReadOnlySet<(PersonKind, string)> onboarded, DateTimeOffset now)
    {
        var inScope = due.Where(a => LeaverPolicy.InScope(syncOptions.Value, onboarded.Contains((a.Kind, EmailAddress.Normalize(a.Email))))).ToList();
        return inScope.Count == due.Count && policy.GuardBatch(inScope.Count, window) is { } batch
            && inScope.All(a => a.HeldCode == batch.Code && now - a.ParkedAt < LeaverPolicy.CapWindow);
    }

    /// <summary>Parks a held action with its guard (again: the day's read is recorded); its result only when the guard is new for it (else <c>null</c>: reported already).</summary>
    private async Task<RowResult?> HoldAsync(DueAction action, string guard, string code, JournalProtocol protocol)
    {
        await protocol.RecordAsync(j => j.ParkDueAsync(action.Id, code, guard));
        if (action.HeldCode == code)
        {
            logger.LogDebug("Due {Action}: still held ({Guard}); reported when it was first held", action, guard);
            return null;
        }

        return new RowResult(new RawRecord(0, []), action.Kind, action.Email, Outcome.Held, TallyfyId: action.TallyfyId,
            Message: $"held: {guard} (due {action.DueLocal}; it stays pending, and is reported again only if what holds it changes)");
    }

    /// <summary>The person as Tallyfy holds them now, or the result that settles the action without a request (gone, unreadable, no id).</summary>
    private static async Task<(ListedPerson? Person, RowResult? Settled)> ReadAsync(DueAction action, RowSender sender, RunControl control)
    {
        var none = new RawRecord(0, []);
        if (action.Kind == PersonKind.Member)
        {
            if (action.TallyfyId is null)
            {
                return (null, new RowResult(none, action.Kind, action.Email, Outcome.Failed, Message: "the journal kept no Tallyfy id for this member"));
            }

            var (member, gone, failure) = await sender.ReadMemberAsync(action.TallyfyId, control.StopSending, control.HardStop);
            if (gone || string.Equals(member?.Status, "disabled", StringComparison.OrdinalIgnoreCase))
            {
                return (null, new RowResult(none, action.Kind, action.Email, Outcome.Skipped, Outcomes.Unchanged, TallyfyId: action.TallyfyId, Message: "already deactivated in Tallyfy"));
            }

            return member is null
                ? (null, new RowResult(none, action.Kind, action.Email, Outcome.NotAttempted, Message: $"the member could not be read ({failure}); the next check tries again"))
                : (member, null);
        }

        var (present, guest, guestFailure) = await sender.ReadGuestAsync(action.Email, control.StopSending, control.HardStop);
        if (present == false)
        {
            return (null, new RowResult(none, action.Kind, action.Email, Outcome.Skipped, Outcomes.Unchanged, Message: "already gone from the organization"));
        }

        return guest is null
            ? (null, new RowResult(none, action.Kind, action.Email, Outcome.NotAttempted, Message: $"the guest could not be read ({guestFailure}); the next check tries again"))
            : (guest, null);
    }

    private async Task<RowResult> CarryOutAsync(DueAction action, ListedPerson before, HandOverVerdict handing, List<ListedGroup> groups, RowSender sender, JournalProtocol protocol, RunControl control,
        LeaverHandOver.TaskLocks taskLocks)
    {
        var none = new RawRecord(0, []);
        var email = EmailAddress.Normalize(action.Email);
        var byEmail = new Dictionary<(PersonKind, string), ListedPerson> { [(action.Kind, email)] = before };
        var memberIds = action.TallyfyId is null ? [] : new Dictionary<string, string> { [email] = action.TallyfyId };
        var snapshot = new LeaverSnapshots(byEmail, groups, memberIds).Of(action.Kind, action.Email);
        var intent = new SyncActionRecord(action.Kind, action.Email, action.Action, RunJournal.ActionInFlight, action.TallyfyId, $"due {action.DueLocal}; {handing.Describe()}", snapshot, action.Source);
        return await protocol.ActOnLeaverAsync(intent, none,
            () => LeaverHandOver.CarryOutAsync(action.Kind, action.Email, action.TallyfyId, before.Id ?? action.TallyfyId, handing.Successor, sender, control, taskLocks),
            d => RowResult.Of(none, action.Kind, action.Email, d, action.TallyfyId, SyncRunner.Join($"ended; due {action.DueLocal}; {handing.Describe()}", d.Message ?? string.Empty).TrimEnd(' ', ';')));
    }

    /// <summary>The leaver's open tasks read now, and the hand-over rule's verdict on them.</summary>
    private static async Task<HandOverVerdict> JudgeHandOverAsync(DueAction action, ListedPerson person, HandOver rule, RowSender sender, RunControl control)
    {
        var email = EmailAddress.Normalize(action.Email);
        var (tasks, failure) = action.Kind == PersonKind.Member
            ? await sender.ListOpenTasksAsync(action.TallyfyId, null, null, control.StopSending, control.HardStop)
            : await sender.ListOpenTasksAsync(null, email, person.Id, control.StopSending, control.HardStop);
        return rule.Judge(email, tasks?.Count, failure);
    }

    /// <summary>The members, for the successors' ids and whether they are active; without them a leaver's manager cannot take over (the log says why).</summary>
    private async Task<List<ListedPerson>> MembersForHandOverAsync(RowSender sender, RunControl control)
    {
        try
        {
            return (await sender.ListAllAsync(PersonKind.Member, control.StopSending)).People;
        }
        catch (Exception ex) when (ex is InputException or OperationCanceledException)
        {
            logger.LogWarning("Members could not be listed ({Message}): no successor can take over the open tasks of the leavers coming due", ex.Message);
            return [];
        }
    }

    /// <summary>The groups with their lists, so that a leaver's snapshot says which held them (Tallyfy's deactivation empties them all; undo puts them back).</summary>
    private async Task<List<ListedGroup>> GroupsForSnapshotsAsync(RowSender sender, RunControl control)
    {
        try
        {
            return await sender.ListGroupsAsync(control.StopSending);
        }
        catch (Exception ex) when (ex is InputException or OperationCanceledException)
        {
            logger.LogWarning("Groups could not be listed ({Message}): undo of these leaver actions cannot put people back in their groups", ex.Message);
            return [];
        }
    }
}
