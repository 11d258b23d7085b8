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
            if (results[i] is { Outcome: Outcome.Invited, TallyfyId: { } invitedId })
            {
                memberIds[EmailAddress.Normalize(results[i].Email)] = invitedId;
            }
        }

        var failures = new Dictionary<PlannedChange, string>();
        foreach (var profile in plan.FollowUps.Where(c => c.Action == PlanAction.UpdateProfile))
        {
            var write = control.IsStopping
                ? new DeliveryResult(Outcome.NotAttempted, null, null, 0, null, $"not sent: {control.Reason}")
                : await sender.UpdateProfileAsync(profile.TallyfyId!, profile.FirstName!, profile.LastName!, profile.Timezone!, control.StopSending, control.HardStop);
            control.StopIfTold(write);

            if (write.Outcome != Outcome.Updated)
            {
                failures[profile] = $"{profile.Detail} not applied: {write.Message ?? write.Outcome.ToReportWord()}";
            }
        }

        var memberships = plan.FollowUps.Where(c => c.IsGroupChange).ToList();
        var groupFailures = await GroupWriter.WriteAsync(memberships, memberIds, groups, createGroups, sender, journal, control, rosterFile);
        foreach (var (change, why) in groupFailures)
        {
            failures[change] = why;
        }

        FoldGroups(plan, results, roster, failures);
        return (memberships.Count - groupFailures.Count, groupFailures.Count);
    }

    /// <summary>
    /// Each follow-up's fate into its person's one line. A failed profile makes the line <c>failed</c>; a
    /// failed membership is only noted (the person's own outcome is what Tallyfy holds for them).
    /// </summary>
    private static void FoldGroups(SyncPlan plan, RowResult[] results, List<ValidatedRow> roster, Dictionary<PlannedChange, string> failures)
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
