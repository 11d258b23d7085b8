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
/// Applying a sync's plan: every change in the lane of its kind of request (<see cref="ChangeLanes"/>), each
/// through the journal protocol, each leaver settled by what Tallyfy holds.
/// </summary>
internal sealed partial class SyncRunner
{
    /// <summary>
    /// Applies the plan: joiners and movers in roster order, then leavers; every roster row and every leaver gets
    /// one result, handed to <paramref name="settled"/> (with its place in the plan) the moment it settles.
    /// </summary>
    private async Task<RowResult[]> ApplyAsync(SyncPlan plan, List<ValidatedRow> roster, List<ListedPerson> members, List<ListedPerson> guests, List<ListedGroup> groups,
        RowSender sender, RunJournal journal, JournalProtocol protocol, RunControl control, string rosterFile, Action<int, RowResult> settled)
    {
        var results = new RowResult[plan.Changes.Count];
        var byEmail = members.Select(m => (PersonKind.Member, m)).Concat(guests.Select(g => (PersonKind.Guest, g)))
            .GroupBy(p => (p.Item1, EmailAddress.Normalize(p.Item2.Email))).ToDictionary(g => g.Key, g => g.First().Item2);
        var snapshots = new LeaverSnapshots(byEmail, groups, ListedPerson.IdsByEmail(members));

        // Joiners an earlier run left in flight (read here, on one thread: the journal's look-up is not shared).
        var inFlight = plan.Changes.Where(c => c.Action is PlanAction.Create or PlanAction.Invite)
            .Select(c => (c, earlier: journal.Find(c.Kind, c.Email)))
            .Where(x => x.earlier is { WasInFlight: true })
            .ToDictionary(x => (x.c.Kind, x.c.Email), x => DateTimeOffset.Parse(x.earlier!.At, System.Globalization.CultureInfo.InvariantCulture));
        // One lane per kind of request: a hold on guest creates (Tallyfy's hourly guest cap) never keeps a worker
        // from invites, movers and leavers.
        // Members' deactivations wait for the guest leavers (not for joiners or movers): Tallyfy hands their tasks over
        // itself, which must not fall inside a guest leaver's read-change-write of a task they share.
        var taskLocks = new LeaverHandOver.TaskLocks();
        await LeaverHandOver.GuestsFirst(Enumerable.Range(0, plan.Changes.Count).ToList(),
            i => plan.Changes[i] is { Action: PlanAction.Remove or PlanAction.ChangeEmail, Kind: PersonKind.Guest },
            // Conversions move task owners inside Tallyfy too: after the guest leavers' task rewrites, never between.
            i => plan.Changes[i] is { Action: PlanAction.Deactivate or PlanAction.ConvertToGuest or PlanAction.ConvertToMember } or { Action: PlanAction.ChangeEmail, Kind: PersonKind.Member },
            (ordered, carryOut) => ChangeLanes.RunAsync(ordered, i => plan.Changes[i].Action switch
            {
                PlanAction.Create => RequestScope.GuestCreate,
                PlanAction.Invite => RequestScope.MemberInvite,
                _ => RequestScope.Write,
            }, deliveryOptions.Value.MaxConcurrency, carryOut), ApplyAtAsync);
        return results;

        async Task ApplyAtAsync(int i)
        {
            var change = plan.Changes[i];
            var row = i < roster.Count ? roster[i] : null;
            try
            {
                results[i] = change.Action is PlanAction.ConvertToMember or PlanAction.ConvertToGuest or PlanAction.Reactivate
                    ? await ChangePersonAsync(change, row!, sender, protocol, control, rosterFile)
                    : await ApplyOneAsync(change, row, snapshots, sender, protocol, control, rosterFile, taskLocks,
                        inFlight.TryGetValue((change.Kind, change.Email), out var at) ? at : null);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A bug must not lose the row: it is reported, and the run goes on.
                logger.LogError(ex, "Unexpected error applying {Action} to {Email}", change.Action.ToWord(), change.Email);
                results[i] = new RowResult(row?.Record ?? new RawRecord(0, []), change.Kind, change.Email, Outcome.Failed, Message: $"internal error: {ex.Message}");
            }

            // A leaver is in no roster row: their line carries the names Tallyfy lists.
            if (row is null && byEmail.TryGetValue((change.Kind, EmailAddress.Normalize(change.Email)), out var listed))
            {
                results[i] = results[i].Named((listed.FirstName, listed.LastName));
            }

            settled(i, results[i]);
        }
    }

    /// <param name="unansweredBefore">When an earlier run sent this joiner and never learnt what happened.</param>
    private static async Task<RowResult> ApplyOneAsync(PlannedChange change, ValidatedRow? row, LeaverSnapshots snapshots, RowSender sender,
        JournalProtocol protocol, RunControl control, string rosterFile, LeaverHandOver.TaskLocks taskLocks, DateTimeOffset? unansweredBefore)
    {
        var record = row?.Record ?? new RawRecord(0, []);
        if (change.Action is PlanAction.Unchanged or PlanAction.Hold or PlanAction.Schedule)
        {
            if (change.Action == PlanAction.Hold)
            {
                await protocol.RecordAsync(j => j.RecordSyncActionAsync(new SyncActionRecord(change.Kind, change.Email, change.Intent.ToWord(), "held", change.TallyfyId, change.Detail, null, rosterFile)));
            }

            return Planned(change, row);
        }

        if (control.IsStopping)
        {
            return RowResult.NotSent(record, change.Kind, change.Email, control.Reason);
        }

        RowResult ToResult(DeliveryResult delivery) =>
            RowResult.Of(record, change.Kind, change.Email, delivery, change.TallyfyId, delivery.Message ?? (delivery.Outcome is Outcome.Failed or Outcome.NotAttempted ? null : change.Detail));
        switch (change.Action)
        {
            case PlanAction.Create or PlanAction.Invite:
                return await protocol.SendAsync(change.Kind, change.Email, row!.RowNumber, record,
                    () => sender.SendAsync(row.Payload!, control.StopSending, control.HardStop, unansweredBefore), ToResult);
            case PlanAction.Deactivate or PlanAction.Remove or PlanAction.ChangeEmail:
                // An email change is the old identity's deactivation or removal: recorded (and undone) as one.
                var word = change.Action != PlanAction.ChangeEmail ? change.Action.ToWord() : change.Kind == PersonKind.Member ? "deactivate" : "remove";
                var intent = new SyncActionRecord(change.Kind, change.Email, word, RunJournal.ActionInFlight, change.TallyfyId, change.Detail,
                    snapshots.Of(change.Kind, change.Email), rosterFile);
                // The hand-over the plan decided (HandOver, or the person's new identity): its successor takes the open tasks.
                var successor = change.Successor is { } to && change.SuccessorId is { } toId ? new Successor(to, toId, "the plan's successor")
                    : change is { Action: PlanAction.ChangeEmail, Successor: { } guest } ? new Successor(guest, string.Empty, "the new address") { IsGuest = true }
                    : null;
                return await protocol.ActOnLeaverAsync(intent, record,
                    () => LeaverHandOver.CarryOutAsync(change.Kind, change.Email, change.TallyfyId, change.TallyfyId, successor, sender, control, taskLocks),
                    delivery => RowResult.Of(record, change.Kind, change.Email, delivery, change.TallyfyId,
                        delivery.Outcome is Outcome.Failed or Outcome.NotAttempted ? delivery.Message : Join(change.Detail, delivery.Message ?? string.Empty)));
        }

        var moved = change.Action switch
        {
            PlanAction.UpdateRole => await sender.ChangeRoleAsync(change.TallyfyId!, change.Role!, control.StopSending, control.HardStop),
            PlanAction.UpdateGuest => await sender.UpdateGuestAsync((GuestPayload)row!.Payload!, control.StopSending, control.HardStop),
            _ => throw new InvalidOperationException($"no way to apply {change.Action}"),
        };
        control.StopIfTold(moved);

        return ToResult(moved);
    }

    /// <summary>The result of a change that sends nothing: a plan's line, a hold, an unchanged or invalid row.</summary>
    private static RowResult Planned(PlannedChange change, ValidatedRow? row)
    {
        var record = row?.Record ?? new RawRecord(0, []);
        if (row is not null && RowResult.SettledByValidation(row) is { } settled)
        {
            return settled;
        }

        return change.Action switch
        {
            PlanAction.Hold => new RowResult(record, change.Kind, change.Email, Outcome.Held, TallyfyId: change.TallyfyId, Message: change.Detail),
            PlanAction.Schedule => new RowResult(record, change.Kind, change.Email, Outcome.Scheduled, Outcomes.StartsLater, Message: change.Detail),
            PlanAction.Unchanged when row?.DuplicateOfRow is not null => new RowResult(record, change.Kind, change.Email, Outcome.Skipped, Outcomes.DuplicateInFile, Message: change.Detail),
            PlanAction.Unchanged => new RowResult(record, change.Kind, change.Email, Outcome.Skipped, Outcomes.Unchanged, TallyfyId: change.TallyfyId, Message: change.Detail),

            // --plan: what would be done, sent nowhere.
            _ => new RowResult(record, change.Kind, change.Email, Outcome.NotAttempted, Message: $"planned, not applied: {change.Action.ToWord()} ({change.Detail})"),
        };
    }
}
