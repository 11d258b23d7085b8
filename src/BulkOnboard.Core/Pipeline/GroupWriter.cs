using BulkOnboard.Delivery;
using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Plan;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;

namespace BulkOnboard.Pipeline;

/// <summary>
/// Writes group memberships: each changed group once, with its whole new member and guest lists
/// (Tallyfy's PUT replaces them; a missing group is created only when allowed), and records in the
/// journal which memberships BulkOnboard added, the only ones a sync ever removes.
/// </summary>
internal static class GroupWriter
{
    /// <summary>Applies <paramref name="changes"/>; returns, for each change that did not happen, why.</summary>
    /// <param name="memberIds">Normalized member email → Tallyfy id (members are listed in groups by id).</param>
    /// <param name="rosterFile">For the journal's record of a leaver's removal from a group (<c>null</c> for import).</param>
    public static async Task<Dictionary<PlannedChange, string>> WriteAsync(IReadOnlyList<PlannedChange> changes, Dictionary<string, string> memberIds, IReadOnlyList<ListedGroup> groups,
        bool createGroups, RowSender sender, RunJournal? journal, RunControl control, string? rosterFile)
    {
        var failures = new Dictionary<PlannedChange, string>();
        var groupsByKey = ListedGroup.ByKey(groups);
        foreach (var group in changes.GroupBy(c => ListedGroup.KeyOf(c.Group!)))
        {
            var name = group.First().Group!;
            var existing = groupsByKey.GetValueOrDefault(group.Key);
            var memberList = existing?.Members.ToList() ?? [];
            var guestList = existing?.Guests.ToList() ?? [];
            var applicable = new List<PlannedChange>();
            foreach (var change in group)
            {
                var email = EmailAddress.Normalize(change.Email);
                var adding = change.Action == PlanAction.AddToGroup;
                if (change.Kind == PersonKind.Member)
                {
                    if (!memberIds.TryGetValue(email, out var id) || !long.TryParse(id, out var memberId))
                    {
                        failures[change] = $"not added to group {name}: the member has no Tallyfy id (the invite did not succeed)";
                        continue;
                    }

                    memberList.Remove(memberId);
                    if (adding)
                    {
                        memberList.Add(memberId);
                    }
                }
                else
                {
                    guestList.RemoveAll(g => EmailAddress.Normalize(g) == email);
                    if (adding)
                    {
                        guestList.Add(change.Email);
                    }
                }

                applicable.Add(change);
            }

            if (applicable.Count == 0)
            {
                continue;
            }

            if (control.IsStopping || (existing is null && !createGroups))
            {
                var why = control.IsStopping ? $"group {name} not written: {control.Reason}" : $"group {name} does not exist in Tallyfy; Sync:CreateGroups=true creates it";
                applicable.ForEach(c => failures[c] = why);
                continue;
            }

            var write = existing is null
                ? await sender.CreateGroupAsync(name, memberList, guestList, control.StopSending, control.HardStop)
                : await sender.UpdateGroupAsync(existing, memberList, guestList, control.StopSending, control.HardStop);
            if (write.StopsRun)
            {
                control.Stop(write.Message ?? "the API refused further requests");
            }

            if (write.Outcome is not (Outcome.Created or Outcome.Updated))
            {
                applicable.ForEach(c => failures[c] = $"group {name}: {write.Message ?? write.Outcome.ToReportWord()}");
                continue;
            }

            foreach (var change in applicable)
            {
                journal?.RecordMembership(name, change.Kind, change.Email, added: change.Action == PlanAction.AddToGroup);
                if (change.Row is null)
                {
                    journal?.RecordSyncAction(new SyncActionRecord(change.Kind, change.Email, "remove_from_group", "removed", change.TallyfyId, name, null, rosterFile));
                }
            }
        }

        return failures;
    }
}
