using BulkOnboard.Delivery;
using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Plan;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;

namespace BulkOnboard.Pipeline;

/// <summary>Undo of a sync's people changes (PRODUCT.md, "People change"): a conversion converted back, a rehire deactivated again.</summary>
internal sealed partial class SyncUndoRunner
{
    private static async Task<RowResult> UndoChangeAsync(SyncActionRecord change, List<ListedPerson> members, List<ListedPerson> guests, RowSender sender, JournalProtocol protocol,
        RunControl control)
    {
        var none = new RawRecord(0, []);
        if (control.IsStopping)
        {
            return RowResult.NotSent(none, change.Kind, change.Email, control.Reason);
        }

        var memberId = change.TallyfyId ?? members.FirstOrDefault(m => EmailAddress.Normalize(m.Email) == change.Email)?.Id;
        var (kind, delivery, undo) = change.Action switch
        {
            // Converted to a member: back to a guest (Tallyfy keeps their tasks).
            "convert_to_member" when memberId is not null => (PersonKind.Guest, await sender.ConvertToGuestAsync(memberId, control.StopSending, control.HardStop), "convert_to_guest"),

            // Converted to a guest: the member re-enabled, the guest's open tasks handed back to them, the guest removed.
            "convert_to_guest" when memberId is not null => (PersonKind.Member, await BackToMemberAsync(change, memberId, guests, sender, control), "enable"),
            "reactivate" when memberId is not null => (PersonKind.Member, await sender.DeactivateAsync(memberId, null, control.StopSending, control.HardStop), "deactivate"),
            _ => (change.Kind, new DeliveryResult(Outcome.Failed, null, null, 0, null, "Tallyfy no longer lists this member: not undone"), change.Action),
        };
        control.StopIfTold(delivery);
        if (change.Action == "convert_to_guest" && delivery.Outcome == Outcome.Updated)
        {
            await protocol.RecordAsync(j => j.RecordSyncActionAsync(new SyncActionRecord(PersonKind.Guest, change.Email, "remove", "removed", null, "convert_to_guest undone", null, null)));
        }

        var message = delivery.Outcome is Outcome.Updated or Outcome.Deactivated ? $"{change.Action.Replace('_', ' ')} undone: {undo.Replace('_', ' ')}" : delivery.Message;
        await protocol.RecordAsync(j => j.RecordSyncActionAsync(new SyncActionRecord(kind, change.Email, undo, delivery.Outcome.ToReportWord(), delivery.TallyfyId ?? memberId, message, null, null)));
        return RowResult.Of(none, kind, change.Email, delivery, memberId, message);
    }

    /// <summary>Undoes a member turned guest: the member re-enabled (a seat again), the guest's open tasks given back to them (every other assignee kept), the guest removed.</summary>
    private static async Task<DeliveryResult> BackToMemberAsync(SyncActionRecord change, string memberId, List<ListedPerson> guests, RowSender sender, RunControl control)
    {
        var enabled = await sender.EnableAsync(memberId, control.StopSending, control.HardStop);
        if (enabled.Outcome != Outcome.Updated)
        {
            return enabled;
        }

        var guest = guests.FirstOrDefault(g => EmailAddress.Normalize(g.Email) == change.Email);
        if (guest is null)
        {
            return enabled with { Message = "re-enabled as a member; Tallyfy no longer lists the guest" };
        }

        var (removed, _) = await LeaverHandOver.CarryOutAsync(PersonKind.Guest, change.Email, null, guest.Id, new Successor(change.Email, memberId, "the member again"), sender, control,
            new LeaverHandOver.TaskLocks());
        return removed.Outcome == Outcome.Removed
            ? enabled with { Message = $"re-enabled as a member; {removed.Message}; the guest removed" }
            : enabled with { Outcome = Outcome.Failed, Message = $"re-enabled as a member, but the guest could not be removed: {removed.Message}" };
    }
}
