using BulkOnboard.Delivery;
using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Plan;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;

namespace BulkOnboard.Pipeline;

/// <summary>
/// "Read the group, change it, write it": the one way import, sync and undo change group memberships.
/// Tallyfy's <c>PUT /groups/{id}</c> replaces the whole member and guest lists, so each changed group is
/// re-read (<c>GET /groups/{id}?with=users,guests</c>) just before its one write, and the write starts
/// from what that read shows: a membership someone added meanwhile stays. A group whose read does not
/// show its lists is never written. A missing group is created only when allowed. The journal records
/// which memberships BulkOnboard added, the only ones a sync ever removes.
/// </summary>
internal static class GroupWriter
{
    /// <summary>Applies <paramref name="changes"/>; returns, for each change that did not happen, why.</summary>
    /// <param name="memberIds">Normalized member email → Tallyfy id (members are listed in groups by id).</param>
    /// <param name="groups">The groups as listed (to find a group's id by its name; their lists are read again).</param>
    /// <param name="rosterFile">For the journal's record of a leaver's removal from a group (<c>null</c> for import).</param>
    public static async Task<Dictionary<PlannedChange, string>> WriteAsync(IReadOnlyList<PlannedChange> changes, Dictionary<string, string> memberIds, IReadOnlyList<ListedGroup> groups,
        bool createGroups, RowSender sender, JournalProtocol journal, RunControl control, string? rosterFile)
    {
        var failures = new Dictionary<PlannedChange, string>();
        var failing = new Lock();
        var groupsByKey = ListedGroup.ByKey(groups);

        // Each group is read, changed and written on its own: groups go side by side in the lane of writes
        // (the gate bounds the requests in flight), the changes of one group stay in one write.
        await ChangeLanes.RunAsync(changes.GroupBy(c => ListedGroup.KeyOf(c.Group!)).ToList(), _ => RequestScope.Write, sender.Gate.MaxConcurrency, async group =>
        {
            foreach (var (change, why) in await WriteGroupAsync(group, groupsByKey.GetValueOrDefault(group.Key), memberIds, createGroups, sender, journal, control, rosterFile))
            {
                lock (failing)
                {
                    failures[change] = why;
                }
            }
        });
        return failures;
    }

    /// <summary>One group's changes, in one write; for each change that did not happen, why.</summary>
    private static async Task<List<(PlannedChange Change, string Why)>> WriteGroupAsync(IGrouping<string, PlannedChange> group, ListedGroup? listed, Dictionary<string, string> memberIds,
        bool createGroups, RowSender sender, JournalProtocol journal, RunControl control, string? rosterFile)
    {
        var name = group.First().Group!;
        if (control.IsStopping || (listed is null && !createGroups))
        {
            var why = control.IsStopping ? $"group {name} not written: {control.Reason}" : $"group {name} does not exist in Tallyfy; Sync:CreateGroups=true creates it";
            return [.. group.Select(change => (change, why))];
        }

        var current = listed;
        if (listed is not null)
        {
            var (read, failure) = await sender.ReadGroupAsync(listed.Id, control.StopSending, control.HardStop);
            var why = read is null ? $"group {name} not written: it could not be read just before the write ({failure})"
                : !read.ShowsLists ? $"group {name} not written: Tallyfy's answer did not show its member and guest lists, and a write replaces them whole"
                : null;
            if (why is not null)
            {
                return [.. group.Select(change => (change, why))];
            }

            current = read;
        }

        var edit = GroupEdit.From(current, group, memberIds, name);
        var failures = new List<(PlannedChange Change, string Why)>(edit.Refused);
        if (edit.Changed)
        {
            var write = current is null
                ? await sender.CreateGroupAsync(name, edit.Members, edit.Guests, control.StopSending, control.HardStop)
                : await WriteWholeListsAsync(current, edit, sender, control);
            control.StopIfTold(write);

            if (write.Outcome is not (Outcome.Created or Outcome.Updated))
            {
                failures.AddRange(edit.Applied.Select(change => (change, $"group {name}: {write.Message ?? write.Outcome.ToReportWord()}")));
                return failures;
            }
        }

        await RecordAsync(name, edit, journal, rosterFile);
        return failures;
    }

    /// <summary>The PUT; an answer that was lost is settled by reading the group back: it holds the lists sent, or it was not applied.</summary>
    private static async Task<DeliveryResult> WriteWholeListsAsync(ListedGroup current, GroupEdit edit, RowSender sender, RunControl control)
    {
        var write = await sender.UpdateGroupAsync(current, edit.Members, edit.Guests, control.StopSending, control.HardStop);
        if (write.Outcome == Outcome.Updated || !write.MaybeApplied)
        {
            return write;
        }

        var (read, _) = await sender.ReadGroupAsync(current.Id, control.StopSending, control.HardStop);
        return read is { ShowsLists: true } && edit.IsHeldBy(read)
            ? write with { Outcome = Outcome.Updated, MaybeApplied = false, Message = null }
            : write;
    }

    /// <summary>Which memberships are BulkOnboard's from now on, and which leavers' removals undo can put back.</summary>
    private static async Task RecordAsync(string name, GroupEdit edit, JournalProtocol journal, string? rosterFile)
    {
        foreach (var change in edit.Applied.Concat(edit.AlreadyHeld))
        {
            var adding = change.Action == PlanAction.AddToGroup;

            // A membership that was there already, or that undo put back for someone else, is not claimed.
            var claim = !adding || (!change.NotOurs && edit.Applied.Contains(change));
            if (claim && !await journal.RecordAsync(j => j.RecordMembershipAsync(name, change.Kind, change.Email, added: adding)))
            {
                return;
            }

            if (!adding && (change.Row is null || change.OfLeaver)
                && !await journal.RecordAsync(j => j.RecordSyncActionAsync(new SyncActionRecord(change.Kind, change.Email, "remove_from_group", "removed", change.TallyfyId, name, null, rosterFile))))
            {
                return;
            }
        }
    }

    /// <summary>One group's new lists, from what Tallyfy holds now and the changes asked for.</summary>
    private sealed class GroupEdit
    {
        public List<long> Members { get; } = [];

        public List<string> Guests { get; } = [];

        /// <summary>Changes that change the lists.</summary>
        public List<PlannedChange> Applied { get; } = [];

        /// <summary>Changes Tallyfy already holds (the person is in, or out, already).</summary>
        public List<PlannedChange> AlreadyHeld { get; } = [];

        public List<(PlannedChange Change, string Why)> Refused { get; } = [];

        public bool Changed => Applied.Count > 0;

        public static GroupEdit From(ListedGroup? current, IEnumerable<PlannedChange> changes, Dictionary<string, string> memberIds, string name)
        {
            var edit = new GroupEdit();
            edit.Members.AddRange(current?.Members ?? []);
            edit.Guests.AddRange(current?.Guests ?? []);
            foreach (var change in changes)
            {
                var email = EmailAddress.Normalize(change.Email);
                var adding = change.Action == PlanAction.AddToGroup;
                bool holds;
                if (change.Kind == PersonKind.Member)
                {
                    if (!memberIds.TryGetValue(email, out var id) || !long.TryParse(id, out var memberId))
                    {
                        edit.Refused.Add((change, $"not {(adding ? "added to" : "removed from")} group {name}: the member has no Tallyfy id (the invite did not succeed)"));
                        continue;
                    }

                    holds = edit.Members.Contains(memberId);
                    if (adding && !holds)
                    {
                        edit.Members.Add(memberId);
                    }
                    else if (!adding && holds)
                    {
                        edit.Members.RemoveAll(m => m == memberId);
                    }
                }
                else
                {
                    holds = edit.Guests.Any(g => EmailAddress.Normalize(g) == email);
                    if (adding && !holds)
                    {
                        edit.Guests.Add(change.Email);
                    }
                    else if (!adding && holds)
                    {
                        edit.Guests.RemoveAll(g => EmailAddress.Normalize(g) == email);
                    }
                }

                (adding != holds ? edit.Applied : edit.AlreadyHeld).Add(change);
            }

            return edit;
        }

        /// <summary>Whether a group read back holds these lists (in any order).</summary>
        public bool IsHeldBy(ListedGroup group) =>
            group.Members.Order().SequenceEqual(Members.Order())
            && group.Guests.Select(EmailAddress.Normalize).Order(StringComparer.Ordinal).SequenceEqual(Guests.Select(EmailAddress.Normalize).Order(StringComparer.Ordinal));
    }
}
