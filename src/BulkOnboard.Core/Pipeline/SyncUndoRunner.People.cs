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
    private static async Task<RowResult> UndoChangeAsync(SyncActionRecord change, List<ListedPerson> members, RowSender sender, JournalProtocol protocol, RunControl control)
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

            // Converted to a guest: a member again (Tallyfy makes them standard; their earlier role is in the undone run's plan).
            "convert_to_guest" => (PersonKind.Member, await sender.ConvertToMemberAsync(change.Email, control.StopSending, control.HardStop), "convert_to_member"),
            "reactivate" when memberId is not null => (PersonKind.Member, await sender.DeactivateAsync(memberId, null, control.StopSending, control.HardStop), "deactivate"),
            _ => (change.Kind, new DeliveryResult(Outcome.Failed, null, null, 0, null, "Tallyfy no longer lists this member: not undone"), change.Action),
        };
        control.StopIfTold(delivery);
        var message = delivery.Outcome is Outcome.Updated or Outcome.Deactivated ? $"{change.Action.Replace('_', ' ')} undone: {undo.Replace('_', ' ')}" : delivery.Message;
        await protocol.RecordAsync(j => j.RecordSyncActionAsync(new SyncActionRecord(kind, change.Email, undo, delivery.Outcome.ToReportWord(), delivery.TallyfyId ?? memberId, message, null, null)));
        return RowResult.Of(none, kind, change.Email, delivery, memberId, message);
    }
}
