using BulkOnboard.Delivery;
using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Plan;
using BulkOnboard.Validation;
using Microsoft.Extensions.Logging;

namespace BulkOnboard.Pipeline;

/// <summary>What a sync reads from Tallyfy besides its people: the groups, the member to reassign to, pending invitations.</summary>
internal sealed partial class SyncRunner
{
    /// <summary>
    /// Invitations BulkOnboard sent that are still pending (the members listing says <c>invited</c>) after
    /// <c>Dates:PendingInviteAlertDays</c>: a seat each, and perhaps a person who never started.
    /// </summary>
    private int PendingInvites(List<ListedPerson> members, RunJournal journal, DateTimeOffset now)
    {
        var days = datesOptions?.Value.PendingInviteAlertDays ?? 14;
        var old = journal.InvitedBefore(now - TimeSpan.FromDays(days));
        var pending = members.Where(m => string.Equals(m.Status, "invited", StringComparison.OrdinalIgnoreCase) && old.Contains(EmailAddress.Normalize(m.Email))).ToList();
        if (pending.Count > 0)
        {
            logger.LogWarning("{Count} invitations BulkOnboard sent are still pending after {Days} days (Dates:PendingInviteAlertDays), each holding a seat: {First}",
                pending.Count, days, string.Join(", ", pending.Take(5).Select(m => m.Email)));
        }

        return pending.Count;
    }

    /// <summary>
    /// Tallyfy's groups with their lists. When the roster names groups or BulkOnboard manages memberships,
    /// a listing that fails stops the sync; otherwise it only serves the leavers' snapshots (which groups a
    /// deactivated member was in, for undo), and a failure is logged.
    /// </summary>
    private async Task<List<ListedGroup>> ListGroupsAsync(RowSender sender, bool needed, CancellationToken cancellationToken)
    {
        try
        {
            return await sender.ListGroupsAsync(cancellationToken);
        }
        catch (InputException ex) when (!needed)
        {
            logger.LogWarning("{Message}: undo of this run cannot put deactivated members back in their groups", ex.Message);
            return [];
        }
    }

    private string? ResolveReassignTo(List<ListedPerson> members)
    {
        var target = syncOptions.Value.ReassignTo?.Trim();
        if (string.IsNullOrEmpty(target))
        {
            return null;
        }

        if (target.Contains('@', StringComparison.Ordinal))
        {
            return members.FirstOrDefault(m => EmailAddress.Normalize(m.Email) == EmailAddress.Normalize(target))?.Id
                ?? throw new InputException($"Sync:ReassignTo is {target}, who is not a member of the organization; nothing was changed");
        }

        return target;
    }
}
