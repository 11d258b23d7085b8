using BulkOnboard.Delivery;
using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Plan;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;

namespace BulkOnboard.Pipeline;

/// <summary>What a sync applies after the people: member profiles, then group memberships.</summary>
internal static class SyncFollowUps
{
    /// <summary>
    /// The plan's profiles and memberships, after the people: each changed group is re-read and written
    /// once with its whole new lists (<see cref="GroupWriter"/>). A profile that fails fails its person's
    /// line; a membership that fails is counted apart and noted on the line, never changing its outcome.
    /// </summary>
    /// <returns>Memberships added or removed, and those that could not be.</returns>
    public static async Task<(int Changed, int Failed)> ApplyAsync(SyncPlan plan, RowResult[] results, List<ValidatedRow> roster, List<ListedPerson> members, List<ListedGroup> groups,
        bool createGroups, RowSender sender, JournalProtocol journal, RunControl control, string rosterFile)
    {
        if (plan.FollowUps.Count == 0)
        {
            return (0, 0);
        }

        var memberIds = ListedPerson.IdsByEmail(members);
        for (var i = 0; i < roster.Count; i++)
        {
            // Invited now, or a guest converted to a member now: their id is new.
            if (results[i] is { Outcome: Outcome.Invited or Outcome.Updated, Kind: PersonKind.Member, TallyfyId: { } invitedId })
            {
                memberIds[EmailAddress.Normalize(results[i].Email)] = invitedId;
            }
        }

        var failures = new Dictionary<PlannedChange, string>();
        var notUpdatable = new Dictionary<PlannedChange, string>();
        var notFollowing = new Dictionary<PlannedChange, string>();
        foreach (var profile in plan.FollowUps.Where(c => c.Action == PlanAction.UpdateProfile))
        {
            var write = control.IsStopping
                ? DeliveryResult.NotSent(control.Reason)
                : await sender.UpdateProfileAsync(profile.TallyfyId!, profile.FirstName!, profile.LastName!, profile.Timezone!, control.StopSending, control.HardStop);
            control.StopIfTold(write);

            if (write is { Outcome: Outcome.Skipped, Reason: Outcomes.NotUpdatable })
            {
                // Tallyfy lets only the member change the profile of one who belongs to other organizations.
                notUpdatable[profile] = $"{profile.Detail} not applied: {write.Message ?? Outcomes.NotUpdatable}";
            }
            else if (write.Outcome != Outcome.Updated)
            {
                failures[profile] = $"{profile.Detail} not applied: {write.Message ?? write.Outcome.ToReportWord()}";
            }
        }

        // A membership follows its person: a leaver leaves their groups only once deactivated or removed, a
        // joiner joins only once Tallyfy holds them (a failed or not attempted create must not put an email in a group).
        var memberships = plan.FollowUps.Where(c => c.IsGroupChange).ToList();
        var personOutcome = PersonOutcomes(plan, results, roster);
        foreach (var change in memberships.Where(c => !Follows(c, personOutcome(c))).ToList())
        {
            memberships.Remove(change);
            notFollowing[change] = $"group {change.Group} not changed: the person's own change did not happen ({personOutcome(change).ToReportWord()})";
        }

        var groupFailures = await GroupWriter.WriteAsync(memberships, memberIds, groups, createGroups, sender, journal, control, rosterFile);
        foreach (var (change, why) in groupFailures)
        {
            failures[change] = why;
        }

        foreach (var (change, why) in notFollowing)
        {
            notUpdatable[change] = why;
        }

        FoldGroups(plan, results, roster, failures, notUpdatable);
        return (memberships.Count - groupFailures.Count, groupFailures.Count);
    }

    /// <summary>Whether a membership change may go, given how its person's own change ended.</summary>
    private static bool Follows(PlannedChange change, Outcome person) => change.OfLeaver
        ? person is Outcome.Deactivated or Outcome.Removed
        : change.Action == PlanAction.RemoveFromGroup || person is not (Outcome.Failed or Outcome.NotAttempted or Outcome.Scheduled or Outcome.Invalid or Outcome.Held);

    /// <summary>The outcome of the person a follow-up belongs to.</summary>
    private static Func<PlannedChange, Outcome> PersonOutcomes(SyncPlan plan, RowResult[] results, List<ValidatedRow> roster)
    {
        var rowIndex = roster.Select((r, i) => (r.RowNumber, i)).ToDictionary(x => x.RowNumber, x => x.i);
        var leaverIndex = plan.Changes.Select((c, i) => (c, i)).Where(x => x.c.Row is null).ToDictionary(x => (x.c.Kind, x.c.Email), x => x.i);
        return change => results[change.Row is { } row ? rowIndex[row] : leaverIndex[(change.Kind, EmailAddress.Normalize(change.Email))]].Outcome;
    }

    /// <summary>
    /// Each follow-up's fate into its person's one line. A failed profile makes the line <c>failed</c>, one
    /// Tallyfy may not change <c>skipped</c>/<c>not_updatable</c>; a failed membership is only noted (the
    /// person's own outcome is what Tallyfy holds for them).
    /// </summary>
    private static void FoldGroups(SyncPlan plan, RowResult[] results, List<ValidatedRow> roster, Dictionary<PlannedChange, string> failures,
        Dictionary<PlannedChange, string> notUpdatable)
    {
        var rowIndex = roster.Select((r, i) => (r.RowNumber, i)).ToDictionary(x => x.RowNumber, x => x.i);
        var leaverIndex = plan.Changes.Select((c, i) => (c, i)).Where(x => x.c.Row is null).ToDictionary(x => (x.c.Kind, x.c.Email), x => x.i);
        foreach (var change in plan.FollowUps)
        {
            var index = change.Row is { } row ? rowIndex[row] : leaverIndex[(change.Kind, EmailAddress.Normalize(change.Email))];
            var result = results[index];
            var done = change.Action switch
            {
                PlanAction.AddToGroup => $"added to group {change.Group}",
                PlanAction.RemoveFromGroup => $"removed from group {change.Group}",
                _ => change.Detail,
            };
            if (notUpdatable.TryGetValue(change, out var refused))
            {
                var unchanged = result.Outcome == Outcome.Skipped && result.Reason == Outcomes.Unchanged;
                results[index] = result with
                {
                    Outcome = unchanged ? Outcome.Skipped : result.Outcome,
                    Reason = unchanged ? Outcomes.NotUpdatable : result.Reason,
                    Message = SyncRunner.Join(unchanged ? null : result.Message, refused),
                };
                continue;
            }

            results[index] = failures.TryGetValue(change, out var failure) && change.IsGroupChange
                ? result with { Message = SyncRunner.Join(result.Message, $"group membership not changed: {failure}") }
                : failures.TryGetValue(change, out failure)
                ? result with
                {
                    Outcome = result.Outcome is Outcome.Failed or Outcome.NotAttempted ? result.Outcome : Outcome.Failed,
                    Reason = null,
                    Message = SyncRunner.Join(result.Outcome is Outcome.Failed or Outcome.NotAttempted ? result.Message : $"{result.Outcome.ToReportWord()} ({result.Message})", failure),
                }
                : result with
                {
                    Outcome = result.Outcome == Outcome.Skipped && result.Reason == Outcomes.Unchanged ? Outcome.Updated : result.Outcome,
                    Reason = result.Outcome == Outcome.Skipped && result.Reason == Outcomes.Unchanged ? null : result.Reason,
                    Message = SyncRunner.Join(result.Outcome == Outcome.Skipped && result.Reason == Outcomes.Unchanged ? null : result.Message, done),
                };
        }
    }
}
