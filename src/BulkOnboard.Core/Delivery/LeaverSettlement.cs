using BulkOnboard.Input;
using BulkOnboard.Validation;

namespace BulkOnboard.Delivery;

/// <summary>How a leaver action ended once Tallyfy was asked: applied, not applied, or still unknown.</summary>
internal enum LeaverState
{
    /// <summary>Tallyfy shows the member deactivated, or the guest gone.</summary>
    Applied,

    /// <summary>Tallyfy still holds the person as before: the action did not happen.</summary>
    NotApplied,

    /// <summary>The action may have happened and no read could tell (the run stopped, the read failed).</summary>
    Unknown,
}

/// <summary>
/// Settles a leaver action (deactivate a member, remove a guest) that did not come back as done: a lost
/// answer, a stop with the request in flight, or a retry answered 422/404 because the first attempt had
/// already done it. Tallyfy is read back (<c>GET /users/{id}</c>, <c>GET /guests/{email}</c>) and the
/// outcome is what it holds, never what the last answer said.
/// </summary>
internal static class LeaverSettlement
{
    public static async Task<(DeliveryResult Result, LeaverState State)> SettleAsync(RowSender sender, PersonKind kind, string email, string? memberId, DeliveryResult delivery,
        CancellationToken stopSending, CancellationToken hardStop)
    {
        var done = kind == PersonKind.Member ? Outcome.Deactivated : Outcome.Removed;
        if (delivery.Outcome == done)
        {
            return (delivery, LeaverState.Applied);
        }

        if (delivery.Attempts == 0 && !delivery.MaybeApplied)
        {
            // Nothing went out: Tallyfy holds the person as before (a request cut off in flight may have gone: it is read back).
            return (delivery, LeaverState.NotApplied);
        }

        var (applied, failure) = await ReadBackAsync(sender, kind, email, memberId, stopSending, hardStop);
        var answered = delivery.Message ?? delivery.Outcome.ToReportWord();
        return applied switch
        {
            true => (delivery with
            {
                Outcome = done, Reason = null, MaybeApplied = false,
                Message = $"Tallyfy's answer was not a success ({answered}), but read back it shows the {(kind == PersonKind.Member ? "member deactivated" : "guest gone from the organization")}",
            }, LeaverState.Applied),
            false => (delivery with { MaybeApplied = false, Message = $"{answered}; read back, Tallyfy still holds the {kind.ToWord()} as before" }, LeaverState.NotApplied),
            null => (delivery with { MaybeApplied = true, Message = $"{answered}; it may have been applied and could not be read back ({failure}): sync --undo of this run covers it" },
                LeaverState.Unknown),
        };
    }

    /// <summary>Whether Tallyfy shows the action applied; <c>null</c> with why when it could not be read.</summary>
    private static async Task<(bool? Applied, string? Failure)> ReadBackAsync(RowSender sender, PersonKind kind, string email, string? memberId, CancellationToken stopSending, CancellationToken hardStop)
    {
        if (kind == PersonKind.Guest)
        {
            var (present, why) = await sender.ReadGuestPresenceAsync(email, stopSending, hardStop);
            return (present is null ? null : !present.Value, why);
        }

        if (memberId is null)
        {
            return (null, "the member has no Tallyfy id");
        }

        var (member, gone, failure) = await sender.ReadMemberAsync(memberId, stopSending, hardStop);
        return gone ? (true, null)
            : member is null ? (null, failure)
            : (string.Equals(member.Status, "disabled", StringComparison.OrdinalIgnoreCase), null);
    }
}
