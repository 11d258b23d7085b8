using BulkOnboard.Delivery;
using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Plan;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;

namespace BulkOnboard.Pipeline;

/// <summary>
/// A sync's people changes (PRODUCT.md, "People change"): a conversion either way, a rehire re-enabled. Each is recorded
/// for undo (<c>sync --undo</c> converts back, or deactivates again), and a converted person is BulkOnboard's under their
/// new kind.
/// </summary>
internal sealed partial class SyncRunner
{
    private static async Task<RowResult> ChangePersonAsync(PlannedChange change, ValidatedRow row, RowSender sender, JournalProtocol protocol,
        RunControl control, string rosterFile)
    {
        if (control.IsStopping)
        {
            return RowResult.NotSent(row.Record, change.Kind, change.Email, control.Reason);
        }

        var delivery = change.Action switch
        {
            PlanAction.ConvertToMember => await sender.ConvertToMemberAsync(change.Email, control.StopSending, control.HardStop),
            PlanAction.ConvertToGuest => await sender.ConvertToGuestAsync(change.TallyfyId!, control.StopSending, control.HardStop),
            _ => await sender.EnableAsync(change.TallyfyId!, control.StopSending, control.HardStop),
        };
        control.StopIfTold(delivery);
        var id = change.Action == PlanAction.ConvertToMember ? delivery.TallyfyId : change.TallyfyId;
        var message = delivery.Outcome == Outcome.Updated ? change.Detail
            : delivery.MaybeApplied ? $"{delivery.Message}: it may have been applied; the next sync reads Tallyfy and plans from what it holds" : delivery.Message;
        if (change is { Action: PlanAction.Reactivate, HasGuest: true } && delivery.Outcome == Outcome.Updated && id is not null)
        {
            // Back as a contractor meanwhile: the guest's open tasks go back to the member, and the guest goes; one identity is left.
            var (removed, _) = await LeaverHandOver.CarryOutAsync(PersonKind.Guest, change.Email, null, change.GuestId, new Successor(change.Email, id, "the member again"), sender, control,
                new LeaverHandOver.TaskLocks());
            message = removed.Outcome == Outcome.Removed ? $"{message}; the guest of the same email: {removed.Message}; removed" : $"{message}; the guest of the same email could not be removed: {removed.Message}";
        }

        // A converted guest is standard (Tallyfy's rule); a re-enabled member has their old role: the roster's follows.
        if (delivery.Outcome == Outcome.Updated && change.Role is { } role && id is not null
            && (change.Action == PlanAction.Reactivate || (change.Action == PlanAction.ConvertToMember && role != "standard")))
        {
            // Tallyfy makes a converted guest standard: the roster's role follows.
            var promoted = await sender.ChangeRoleAsync(id, role, control.StopSending, control.HardStop);
            message = promoted.Outcome == Outcome.Updated ? $"{message}; role {role}" : $"{message}; role {role} not set: {promoted.Message}";
        }

        var done = delivery.Outcome == Outcome.Updated;
        await protocol.RecordAsync(j => j.RecordSyncActionAsync(new SyncActionRecord(change.Kind, change.Email, change.Action.ToWord(), done ? "updated" : delivery.Outcome.ToReportWord(),
            id, message, null, rosterFile)));
        if (done && change is { Action: PlanAction.ConvertToMember or PlanAction.ConvertToGuest, WasOurs: true })
        {
            // BulkOnboard's before, BulkOnboard's under the new kind (what a later sync may change and remove); a conversion never claims anyone.
            await protocol.RecordAsync(j => j.RecordAsync(change.Kind, change.Email, row.RowNumber, "updated", change.Action.ToWord(), id, maybeApplied: false, onboarded: true));
        }

        return RowResult.Of(row.Record, change.Kind, change.Email, delivery, id, message);
    }
}
